package io.onescaphandre.agent;

/** Entry point of the node agent. */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    System.out.println("one-scaphandre agent");
  }
}
