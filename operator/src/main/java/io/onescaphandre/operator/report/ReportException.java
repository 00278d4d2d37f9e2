package io.onescaphandre.operator.report;

/** A report that cannot be made, with what to check. */
final class ReportException extends RuntimeException {
  ReportException(String message) {
    super(message);
  }
}
