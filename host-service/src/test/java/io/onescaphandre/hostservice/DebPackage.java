package io.onescaphandre.hostservice;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * A .deb read as dpkg-deb reads it: an ar archive of debian-binary, control.tar.* and data.tar.*.
 */
final class DebPackage {
  /**
   * One tar entry: path without the leading "./", mode bits, owner, and content for regular files.
   */
  record Entry(
      String path,
      int mode,
      String user,
      String group,
      boolean directory,
      String linkTarget,
      byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  final String debianBinary;
  final Map<String, Entry> control;
  final Map<String, Entry> data;

  private DebPackage(String debianBinary, Map<String, Entry> control, Map<String, Entry> data) {
    this.debianBinary = debianBinary;
    this.control = control;
    this.data = data;
  }

  static DebPackage read(Path deb) throws Exception {
    String debianBinary = null;
    Map<String, Entry> control = null;
    Map<String, Entry> data = null;
    try (ArArchiveInputStream ar =
        new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
      ArArchiveEntry member;
      while ((member = ar.getNextEntry()) != null) {
        String name = member.getName();
        if (name.equals("debian-binary")) {
          debianBinary = new String(ar.readAllBytes(), StandardCharsets.US_ASCII);
        } else if (name.startsWith("control.tar")) {
          control = tar(ar);
        } else if (name.startsWith("data.tar")) {
          data = tar(ar);
        }
      }
    }
    if (debianBinary == null || control == null || data == null) {
      throw new IOException(deb + " lacks debian-binary, control.tar or data.tar");
    }
    return new DebPackage(debianBinary, control, data);
  }

  private static Map<String, Entry> tar(InputStream compressed) throws Exception {
    Map<String, Entry> entries = new LinkedHashMap<>();
    InputStream in =
        new CompressorStreamFactory()
            .createCompressorInputStream(new BufferedInputStream(compressed));
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      String path = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
      byte[] content = e.isFile() ? tar.readAllBytes() : new byte[0];
      entries.put(
          path,
          new Entry(
              path,
              e.getMode() & 07777,
              e.getUserName(),
              e.getGroupName(),
              e.isDirectory(),
              e.isSymbolicLink() ? e.getLinkName() : null,
              content));
    }
    return entries;
  }

  /** Writes the data files under {@code root} with their modes, as dpkg would unpack them. */
  void unpackData(Path root) throws IOException {
    for (Entry e : data.values()) {
      Path target = root.resolve(e.path());
      if (e.directory()) {
        Files.createDirectories(target);
      } else if (e.linkTarget() != null) {
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(target, Path.of(e.linkTarget()));
      } else {
        Files.createDirectories(target.getParent());
        Files.write(target, e.content());
        Files.setPosixFilePermissions(target, Modes.permissions(e.mode()));
      }
    }
  }
}
