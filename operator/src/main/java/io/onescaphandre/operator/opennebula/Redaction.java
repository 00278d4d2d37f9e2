package io.onescaphandre.operator.opennebula;

/**
 * Keeps a session out of messages. OpenNebula's own error texts do not hold the session, but a
 * wrong or hostile endpoint may echo what it was sent; its words end up in status conditions,
 * Events and logs, which the monitor's author (and more people) can read.
 */
final class Redaction {
  static final String MASK = "***";

  /** Shorter passwords are not searched for: they would mask ordinary words of the message. */
  private static final int MIN_SECRET_LENGTH = 4;

  private final String session;
  private final String password;

  private Redaction(String session) {
    this.session = session;
    int colon = session == null ? -1 : session.indexOf(':');
    String pw = colon < 0 ? null : session.substring(colon + 1);
    this.password = pw != null && pw.length() >= MIN_SECRET_LENGTH ? pw : null;
  }

  static Redaction of(String session) {
    return new Redaction(session);
  }

  String apply(String text) {
    if (text == null) {
      return null;
    }
    String out = session == null || session.isEmpty() ? text : text.replace(session, MASK);
    return password == null ? out : out.replace(password, MASK);
  }

  /**
   * The exception with its message masked; its causes are dropped when any of them holds the secret
   * (a logged stack trace would print them).
   */
  OpenNebulaException apply(OpenNebulaException e) {
    boolean causeLeaks = false;
    for (Throwable t = e.getCause(); t != null && !causeLeaks; t = t.getCause()) {
      causeLeaks = t.getMessage() != null && !apply(t.getMessage()).equals(t.getMessage());
    }
    String message = apply(e.getMessage());
    if (!causeLeaks && message.equals(e.getMessage())) {
      return e;
    }
    return causeLeaks
        ? new OpenNebulaException(e.kind(), message)
        : new OpenNebulaException(e.kind(), message, e.getCause());
  }
}
