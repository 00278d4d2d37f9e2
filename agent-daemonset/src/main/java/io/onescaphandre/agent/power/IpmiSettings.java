package io.onescaphandre.agent.power;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How ipmitool reaches the BMC: in-band through the host's IPMI device ({@code interface "open"},
 * the default: no credentials, needs {@code /dev/ipmi0}), or over the network ({@code lan} or
 * {@code lanplus}) with a user and a password file (ipmitool {@code -f}: the password never appears
 * in a command line).
 */
public record IpmiSettings(
    String ipmitool,
    String iface,
    String host,
    int port,
    String username,
    Path passwordFile,
    Duration timeout,
    Path devfs) {

  public boolean inBand() {
    return iface.equals("open");
  }

  /** The device ipmitool's open interface uses, and its udev and older names. */
  public List<Path> devices() {
    return List.of(
        devfs.resolve("ipmi0"),
        devfs.resolve("ipmi").resolve("0"),
        devfs.resolve("ipmidev").resolve("0"));
  }

  public List<String> command() {
    List<String> command = new ArrayList<>(List.of(ipmitool, "-I", iface));
    if (!inBand()) {
      command.addAll(List.of("-H", host, "-p", Integer.toString(port)));
      if (username != null) {
        command.addAll(List.of("-U", username));
      }
      if (passwordFile != null) {
        command.addAll(List.of("-f", passwordFile.toString()));
      }
    }
    command.addAll(List.of("dcmi", "power", "reading"));
    return command;
  }
}
