package io.onescaphandre.operator;

/** Entry point of the operator. */
public final class OperatorMain {
  private OperatorMain() {}

  public static void main(String[] args) {
    System.out.println("one-scaphandre operator");
  }
}
