package io.onescaphandre.contracts.bytes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an input file only when it is no larger than its documented cap: checked on its size before
 * anything is read, and again while reading (a pipe or a file that grows has no size to trust). So
 * a wrong or hostile 10 MB file is refused at once, not after a parser spent seconds and hundreds
 * of MB on it.
 */
public final class BoundedFiles {
  private BoundedFiles() {}

  /** A file larger than its cap. The message names the file, its size and the cap. */
  public static final class TooLarge extends IOException {
    TooLarge(String message) {
      super(message);
    }
  }

  /**
   * @param what how the user names this input ({@code --monitor FILE})
   * @param why what the cap stands for, to end the message
   * @throws TooLarge before reading when the file is larger than {@code maxBytes}
   */
  public static String readUtf8(Path file, long maxBytes, String what, String why)
      throws IOException {
    if (Files.isRegularFile(file)) {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw tooLarge(file, what, ByteSize.format(size), maxBytes, why);
      }
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    }
    if (bytes.length > maxBytes) {
      throw tooLarge(file, what, "more than " + ByteSize.format(maxBytes), maxBytes, why);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CharacterCodingException() {
        @Override
        public String getMessage() {
          return what + " " + file + " is not UTF-8 text";
        }
      };
    }
  }

  private static TooLarge tooLarge(Path file, String what, String size, long maxBytes, String why) {
    return new TooLarge(
        what
            + " "
            + file
            + " is "
            + size
            + ", larger than the cap of "
            + ByteSize.format(maxBytes)
            + " ("
            + why
            + "); refused before reading it");
  }
}
