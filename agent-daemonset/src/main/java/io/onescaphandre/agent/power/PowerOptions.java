package io.onescaphandre.agent.power;

import io.onescaphandre.agent.proc.CpuTimes;
import io.onescaphandre.contracts.duration.DurationConverter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code run} flags of the host power sources (README: "Power sources"). */
public final class PowerOptions {
  public static final String DEFAULT_SOURCES = "redfish,acpi,rapl,estimate";

  @Option(
      names = "--power.sources",
      defaultValue = DEFAULT_SOURCES,
      description =
          "sources read, in precedence order for the host total: rapl, acpi, ipmi, redfish,"
              + " estimate (default ${DEFAULT-VALUE})")
  String sources;

  @Option(
      names = "--power.max-watts",
      defaultValue = "20000",
      description =
          "whole-node readings above this are firmware faults, rejected (default ${DEFAULT-VALUE})")
  double maxWatts;

  @Option(
      names = "--power.remainder-policy",
      defaultValue = "proportional",
      description =
          "how the platform remainder is divided: proportional or vcpu (default ${DEFAULT-VALUE})")
  String remainderPolicy;

  @Option(
      names = "--power.bmc-interval",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "how often the BMC (ipmi, redfish) is polled (default ${DEFAULT-VALUE})")
  Duration bmcInterval;

  @Option(
      names = "--path.devfs",
      defaultValue = "/dev",
      description = "where the IPMI device is (default ${DEFAULT-VALUE})")
  Path devfs;

  @Option(
      names = "--ipmi.ipmitool",
      defaultValue = "ipmitool",
      description = "the ipmitool executable")
  String ipmitool;

  @Option(
      names = "--ipmi.interface",
      defaultValue = "open",
      description = "open (in-band, /dev/ipmi0), lan or lanplus (default ${DEFAULT-VALUE})")
  String ipmiInterface;

  @Option(names = "--ipmi.host", description = "BMC address for lan/lanplus")
  String ipmiHost;

  @Option(names = "--ipmi.port", defaultValue = "623", description = "BMC UDP port for lan/lanplus")
  int ipmiPort;

  @Option(names = "--ipmi.username", description = "BMC user for lan/lanplus")
  String ipmiUsername;

  @Option(
      names = "--ipmi.password-file",
      description = "file holding the BMC password for lan/lanplus")
  Path ipmiPasswordFile;

  @Option(
      names = "--ipmi.timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "how long ipmitool may take (default ${DEFAULT-VALUE})")
  Duration ipmiTimeout;

  @Option(
      names = "--redfish.endpoint",
      description = "this node's BMC: host[:port] or http(s)://host[:port]")
  String redfishEndpoint;

  @Option(
      names = "--redfish.endpoints-file",
      description =
          "file of <node name>=<BMC address> lines; this node's line is used (see --node-name)")
  Path redfishEndpointsFile;

  @Option(
      names = "--node-name",
      defaultValue = "${env:NODE_NAME}",
      description = "this node's name in the endpoints file (default: $NODE_NAME)")
  String nodeName;

  @Option(names = "--redfish.username-file", description = "file holding the BMC user")
  Path redfishUsernameFile;

  @Option(names = "--redfish.password-file", description = "file holding the BMC password")
  Path redfishPasswordFile;

  @Option(
      names = "--redfish.ca-file",
      description = "PEM certificates the BMC's TLS certificate chains to")
  Path redfishCaFile;

  @Option(
      names = "--redfish.chassis",
      description = "the chassis id to read (default: the first with power)")
  String redfishChassis;

  @Option(
      names = "--redfish.timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "timeout of each Redfish request (default ${DEFAULT-VALUE})")
  Duration redfishTimeout;

  @Option(
      names = "--estimate.idle-watts",
      description = "this node's idle power, for the estimate's curve")
  Double estimateIdleWatts;

  @Option(
      names = "--estimate.max-watts",
      description = "this node's full-load power, for the estimate's curve")
  Double estimateMaxWatts;

  /**
   * The {@code --power.remainder-policy} as given; run parses it (the attribution's), init only
   * accepts it, since the DaemonSet passes both containers the same power flags.
   */
  public String remainderPolicyName() {
    return remainderPolicy;
  }

  /**
   * The sources named in {@code --power.sources}, ready to read; the slow ones on their own
   * threads.
   */
  public HostPower hostPower(Path procfs, Path sysfs) {
    List<PowerSourceName> order = PowerSourceName.parseList(sources);
    PlausibleWatts plausible = new PlausibleWatts(maxWatts);
    List<WattSource> meters = new ArrayList<>();
    EstimateSource estimate = null;
    for (PowerSourceName name : order) {
      switch (name) {
        case ACPI -> meters.add(new AcpiPowerMeterSource(sysfs, plausible));
        case IPMI ->
            meters.add(
                new PolledSource(new IpmiDcmiSource(ipmiSettings(), plausible), bmcInterval));
        case REDFISH ->
            meters.add(
                new PolledSource(new RedfishSource(redfishSettings(), plausible), bmcInterval));
        case ESTIMATE ->
            estimate =
                EstimateSource.forHost(
                    procfs, sysfs, threads(procfs), estimateIdleWatts, estimateMaxWatts);
        case RAPL -> {}
      }
    }
    return new HostPower(order, meters, estimate);
  }

  /**
   * Reads each source of {@code --power.sources} once, directly (the init container's check): the
   * state of each in precedence order. RAPL's state is the caller's; the estimate is always ok.
   */
  public java.util.LinkedHashMap<String, String> probe(
      Path procfs, Path sysfs, io.onescaphandre.agent.rapl.RaplState raplState) {
    PlausibleWatts plausible = new PlausibleWatts(maxWatts);
    java.util.LinkedHashMap<String, String> states = new java.util.LinkedHashMap<>();
    for (PowerSourceName name : PowerSourceName.parseList(sources)) {
      String state =
          switch (name) {
            case RAPL -> raplState.label();
            case ESTIMATE -> "ok";
            case ACPI -> new AcpiPowerMeterSource(sysfs, plausible).read().state().label();
            case IPMI -> new IpmiDcmiSource(ipmiSettings(), plausible).read().state().label();
            case REDFISH -> new RedfishSource(redfishSettings(), plausible).read().state().label();
          };
      states.put(name.label(), state);
    }
    return states;
  }

  IpmiSettings ipmiSettings() {
    if (!List.of("open", "lan", "lanplus").contains(ipmiInterface)) {
      throw new IllegalArgumentException(
          "--ipmi.interface must be open, lan or lanplus, not '" + ipmiInterface + "'");
    }
    if (!ipmiInterface.equals("open") && ipmiHost == null) {
      throw new IllegalArgumentException(
          "--ipmi.interface " + ipmiInterface + " needs --ipmi.host");
    }
    return new IpmiSettings(
        ipmitool,
        ipmiInterface,
        ipmiHost,
        ipmiPort,
        ipmiUsername,
        ipmiPasswordFile,
        ipmiTimeout,
        devfs);
  }

  RedfishSettings redfishSettings() {
    BmcEndpoint endpoint =
        redfishEndpoint != null
            ? BmcEndpoint.of(URI.create(redfishEndpoint))
            : redfishEndpointsFile != null
                ? BmcEndpoint.fromFile(redfishEndpointsFile, nodeName)
                : BmcEndpoint.none();
    return new RedfishSettings(
        endpoint,
        redfishUsernameFile,
        redfishPasswordFile,
        redfishCaFile,
        redfishChassis,
        redfishTimeout);
  }

  /** Online hardware threads, from /proc/stat's cpuN lines. */
  static int threads(Path procfs) {
    try {
      byte[] stat = Files.readAllBytes(procfs.resolve("stat"));
      CpuTimes times = CpuTimes.parse(stat, stat.length);
      return times == null ? Runtime.getRuntime().availableProcessors() : times.cpuCount();
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }
}
