package io.onescaphandre.operator.opennebula;

/**
 * Everything that can go wrong when talking to OpenNebula or reading its files. The message always
 * says what happened and what to check, so callers can show it as is (stderr, a status condition).
 */
public final class OpenNebulaException extends RuntimeException {

  /** What went wrong; decides whether a retry can help. */
  public enum Kind {
    /** Settings are unusable (no auth file, bad endpoint URL, bad CA PEM). */
    CONFIGURATION(false),
    /** No answer: connection refused, DNS, TLS handshake, timeout, HTTP 5xx. */
    UNREACHABLE(true),
    /** OpenNebula rejected the session (error code 0x0100). */
    AUTHENTICATION(false),
    /** The user may not list the pool (error code 0x0200). */
    AUTHORIZATION(false),
    /** Any other error answer of OpenNebula. */
    API_ERROR(false),
    /** The XML-RPC method does not exist on this OpenNebula (older or newer version). */
    NO_SUCH_METHOD(false),
    /** The answer is larger than the configured cap ({@link AnswerLimits}). */
    ANSWER_TOO_LARGE(false),
    /** The answer is not the XML we expect (malformed, DTD, wrong root element, HTTP 4xx). */
    MALFORMED_ANSWER(false),
    /** Nothing on the hypervisor tells the host id. */
    NO_HOST_ID(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;

  public OpenNebulaException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public OpenNebulaException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public boolean retryable() {
    return kind.retryable();
  }
}
