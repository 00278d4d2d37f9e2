package io.onescaphandre.contracts.hostid;

/** No host id, or no single one, in the hypervisor's files; the message says what was looked at. */
public final class HostIdNotFoundException extends RuntimeException {
  public HostIdNotFoundException(String message) {
    super(message);
  }
}
