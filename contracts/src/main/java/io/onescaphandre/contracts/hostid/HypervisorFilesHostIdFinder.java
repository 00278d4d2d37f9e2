package io.onescaphandre.contracts.hostid;

import io.onescaphandre.contracts.bytes.BoundedFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Finds this hypervisor's OpenNebula host id in OpenNebula's own files below a root file system
 * (the host's {@code /}, mounted in a container or not). The one rule of the agent's {@code init}
 * and of the operator's {@code generate-conf --local}, so that one host never gets two ids:
 *
 * <ol>
 *   <li>{@code /var/tmp/one_db/config} (OpenNebula 7.0+): the monitor configuration XML that
 *       monitord's client writes at each start, with {@code <HOST_ID>}; it survives {@code onehost
 *       sync}, so it wins over any status DB.
 *   <li>else {@code /var/tmp/one/im/status_<kvm|qemu|lxc>_<id>.db}, the VM state DB of the monitor
 *       probes (6.x and later). A DB left over from an earlier id can sit beside the current one,
 *       so the most recently written wins, counting its {@code -wal} file: SQLite in WAL mode
 *       writes there and leaves the DB file's time alone until a checkpoint. {@code -wal}, {@code
 *       -shm} and {@code -journal} files are never candidates themselves. Equally fresh DBs of
 *       different ids are an error, not a guess (a {@code kvm} and a {@code qemu} DB of the same id
 *       agree).
 * </ol>
 *
 * The hypervisor is the one of the status DB of the chosen id, else of the freshest status DB (a
 * machine keeps its driver when it is registered again under a new id), else unknown.
 */
public final class HypervisorFilesHostIdFinder {
  public static final String CONFIG_FILE = "var/tmp/one_db/config";
  public static final String STATUS_DIR = "var/tmp/one/im";

  /** OpenNebula writes a few settings there; a larger file is reported, not parsed. */
  public static final long MAX_CONFIG_BYTES = 1 << 20;

  private static final Pattern STATUS_DB = Pattern.compile("status_(kvm|qemu|lxc)_(\\d{1,9})\\.db");
  private static final XMLInputFactory XML = noDtdFactory();

  private final Path rootfs;

  public HypervisorFilesHostIdFinder(Path rootfs) {
    this.rootfs = rootfs;
  }

  /**
   * @throws HostIdNotFoundException saying what was looked at, or which DBs disagree
   */
  public LocalHostId find() {
    List<String> ignored = new ArrayList<>();
    Path config = rootfs.resolve(CONFIG_FILE);
    List<StatusDb> dbs = statusDbs(ignored);
    Optional<HostId> fromConfig = hostIdFromConfig(config, ignored);
    if (fromConfig.isPresent()) {
      HostId id = fromConfig.get();
      // A machine keeps its driver when oned gives it a new id, so a DB of another id still tells
      // it.
      Optional<Hypervisor> hypervisor =
          dbs.stream()
              .filter(db -> db.hostId.equals(id))
              .findFirst()
              .or(() -> dbs.stream().findFirst())
              .map(db -> db.hypervisor);
      dbs.stream()
          .filter(db -> !db.hostId.equals(id))
          .forEach(
              db ->
                  ignored.add(
                      db.path
                          + ": host id "
                          + db.hostId
                          + " differs from "
                          + config
                          + ", which wins"));
      return new LocalHostId(
          id, LocalHostId.Source.ONE_DB_CONFIG, config, hypervisor, List.copyOf(ignored));
    }
    if (dbs.isEmpty()) {
      throw new HostIdNotFoundException(
          "No OpenNebula host id on this machine: neither "
              + config
              + " nor "
              + rootfs.resolve(STATUS_DIR).resolve("status_<kvm|qemu|lxc>_<id>.db")
              + " was found"
              + (ignored.isEmpty() ? "" : " (" + String.join("; ", ignored) + ")")
              + ". Check that this is an OpenNebula KVM or LXC host that oned monitors (onehost"
              + " list), and that --path.rootfs points at the host's root file system.");
    }
    StatusDb newest = dbs.get(0);
    for (StatusDb other : dbs.subList(1, dbs.size())) {
      if (!other.hostId.equals(newest.hostId) && other.freshness.equals(newest.freshness)) {
        throw new HostIdNotFoundException(
            "Two OpenNebula status DBs for different host ids were written at the same time ("
                + newest.path
                + ", "
                + other.path
                + "); cannot tell which is this host."
                + " Remove the stale one, or run `onehost sync --force` from the frontend.");
      }
      ignored.add(other.path + ": older than " + newest.path.getFileName());
    }
    return new LocalHostId(
        newest.hostId,
        LocalHostId.Source.IM_STATUS_DB,
        newest.path,
        Optional.of(newest.hypervisor),
        List.copyOf(ignored));
  }

  private static Optional<HostId> hostIdFromConfig(Path config, List<String> ignored) {
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    // Capped on its size and again while reading: a file that grows or lies about its size is
    // refused too, never parsed whole.
    try (Reader in =
        new StringReader(
            BoundedFiles.readUtf8(
                config, MAX_CONFIG_BYTES, "OpenNebula's host config", "it holds a few settings"))) {
      XMLStreamReader xml = XML.createXMLStreamReader(in);
      try {
        while (xml.hasNext()) {
          int event = xml.next();
          if (event == XMLStreamConstants.DTD) {
            ignored.add(config + ": contains a DOCTYPE declaration, which is refused");
            return Optional.empty();
          }
          if (event == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("HOST_ID")) {
            String text = xml.getElementText().strip();
            try {
              return Optional.of(HostId.parse(text));
            } catch (IllegalArgumentException notAHostId) {
              ignored.add(config + ": HOST_ID '" + text + "' is not a host id");
              return Optional.empty();
            }
          }
        }
      } finally {
        xml.close();
      }
      ignored.add(config + ": no HOST_ID element");
    } catch (IOException | XMLStreamException e) {
      ignored.add(config + ": unreadable (" + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  private record StatusDb(Path path, HostId hostId, Hypervisor hypervisor, FileTime freshness) {}

  /** Status DBs, the most recently written first. */
  private List<StatusDb> statusDbs(List<String> ignored) {
    Path dir = rootfs.resolve(STATUS_DIR);
    List<StatusDb> dbs = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "status_*.db")) {
      for (Path path : entries) {
        Matcher matcher = STATUS_DB.matcher(path.getFileName().toString());
        if (!matcher.matches() || !Files.isRegularFile(path)) {
          continue;
        }
        try {
          dbs.add(
              new StatusDb(
                  path,
                  HostId.parse(matcher.group(2)),
                  Hypervisor.ofDriver(matcher.group(1)).orElseThrow(),
                  freshness(path)));
        } catch (IOException e) {
          ignored.add(path + ": unreadable (" + e.getMessage() + ")");
        }
      }
    } catch (NoSuchFileException absent) {
      return dbs;
    } catch (IOException e) {
      ignored.add(dir + ": unreadable (" + e.getMessage() + ")");
    }
    dbs.sort(
        Comparator.comparing(StatusDb::freshness)
            .reversed()
            .thenComparing(db -> db.path.getFileName().toString()));
    return dbs;
  }

  /** When the DB was last written: its own time or its write-ahead log's, whichever is later. */
  private static FileTime freshness(Path db) throws IOException {
    FileTime written = Files.getLastModifiedTime(db);
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    if (Files.isRegularFile(wal)) {
      FileTime walWritten = Files.getLastModifiedTime(wal);
      if (walWritten.compareTo(written) > 0) {
        return walWritten;
      }
    }
    return written;
  }

  /**
   * No DTD, no external entity, nothing fetched: the config file has no business with any of it.
   */
  private static XMLInputFactory noDtdFactory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    return factory;
  }
}
