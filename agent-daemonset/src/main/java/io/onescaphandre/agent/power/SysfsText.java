package io.onescaphandre.agent.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A small sysfs attribute as text: trimmed, empty when missing, unreadable or blank. */
final class SysfsText {
  private SysfsText() {}

  static Optional<String> read(Path file) {
    try {
      String text = Files.readString(file).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
