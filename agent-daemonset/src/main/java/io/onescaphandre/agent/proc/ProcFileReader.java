package io.onescaphandre.agent.proc;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads small procfs/cgroupfs files into one reused buffer: thousands of reads per sample must not
 * allocate a stream, a reader and a string each. Not thread-safe; one per sampler.
 */
public final class ProcFileReader {
  private static final int MAX_SIZE = 1 << 16;
  private byte[] buffer = new byte[4096];
  private int length;

  /**
   * Reads the whole file (up to 64 KiB).
   *
   * @return false when the file does not exist or cannot be read (a process that exited)
   */
  public boolean read(String path) {
    try (FileInputStream in = new FileInputStream(path)) {
      length = 0;
      while (true) {
        if (length == buffer.length) {
          if (buffer.length >= MAX_SIZE) {
            return true;
          }
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, length, buffer.length - length);
        if (n < 0) {
          return true;
        }
        length += n;
      }
    } catch (IOException e) {
      length = 0;
      return false;
    }
  }

  public byte[] buffer() {
    return buffer;
  }

  public int length() {
    return length;
  }

  public String text() {
    return new String(buffer, 0, length, StandardCharsets.UTF_8);
  }
}
