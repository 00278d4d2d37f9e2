package io.onescaphandre.agent.init;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the OpenNebula host id on the hypervisor: first {@code /var/tmp/one_db/config}
 * (OpenNebula 7+, the monitor configuration XML with {@code HOST_ID}, rewritten at every monitor
 * start and kept across syncs), else the probes' state database
 * {@code /var/tmp/one/im/status_<hypervisor>_<id>.db}, the newest one when an old id left a file.
 */
public final class HostIdLocator {
  private static final Logger LOG = LoggerFactory.getLogger(HostIdLocator.class);
  static final String CONFIG = "var/tmp/one_db/config";
  static final String IM_DIR = "var/tmp/one/im";
  private static final Pattern STATUS_DB = Pattern.compile("^status_(kvm|qemu|lxc)_(\\d+)\\.db$");

  /** What was found; every field may be null. */
  public record Result(Integer hostId, String source, String file, String hypervisor) {}

  private final Path rootfs;

  public HostIdLocator(Path rootfs) {
    this.rootfs = rootfs;
  }

  public Result locate() {
    StatusDb status = newestStatusDb();
    String hypervisor = status == null ? null : status.hypervisor;
    Integer fromConfig = hostIdFromConfig();
    if (fromConfig != null) {
      return new Result(fromConfig, "one_db_config", "/" + CONFIG, hypervisor);
    }
    if (status != null) {
      return new Result(status.hostId, "im_status_db", "/" + IM_DIR + "/" + status.fileName, hypervisor);
    }
    return new Result(null, null, null, null);
  }

  private Integer hostIdFromConfig() {
    Path config = rootfs.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(config)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      javax.xml.parsers.DocumentBuilder builder = factory.newDocumentBuilder();
      // The default handler prints "[Fatal Error]" to stderr; the warning below says it better.
      builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
      Document document = builder.parse(in);
      NodeList ids = document.getElementsByTagName("HOST_ID");
      if (ids.getLength() == 0) {
        LOG.warn("{} has no HOST_ID element", config);
        return null;
      }
      String text = ids.item(0).getTextContent().trim();
      int id = Integer.parseInt(text);
      if (id < 0) {
        LOG.warn("{}: HOST_ID {} is negative", config, id);
        return null;
      }
      return id;
    } catch (NumberFormatException e) {
      LOG.warn("{}: HOST_ID is not a number", config);
      return null;
    } catch (Exception e) {
      LOG.warn("cannot read {}: {}", config, e.toString());
      return null;
    }
  }

  private StatusDb newestStatusDb() {
    Path dir = rootfs.resolve(IM_DIR);
    if (!Files.isDirectory(dir)) {
      return null;
    }
    StatusDb newest = null;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Matcher m = STATUS_DB.matcher(file.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(file)) {
          continue;
        }
        FileTime mtime = Files.getLastModifiedTime(file);
        StatusDb candidate = new StatusDb(file.getFileName().toString(),
            m.group(1).equals("lxc") ? "lxc" : "kvm", Integer.parseInt(m.group(2)), mtime);
        if (newest == null || mtime.compareTo(newest.mtime) > 0) {
          newest = candidate;
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot list {}: {}", dir, e.toString());
    }
    return newest;
  }

  private record StatusDb(String fileName, String hypervisor, int hostId, FileTime mtime) {}
}
