package io.onescaphandre.operator.admission;

/**
 * A monitor asks for something the cluster admin did not allow.
 *
 * @param reason the Degraded condition's reason ({@link io.onescaphandre.operator.status.Reasons})
 * @param message one sentence: what was asked, what is allowed, where the admin changes it
 */
public record PolicyViolation(String reason, String message) {}
