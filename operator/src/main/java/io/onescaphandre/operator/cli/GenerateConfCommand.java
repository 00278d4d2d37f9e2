package io.onescaphandre.operator.cli;

import io.onescaphandre.contracts.bytes.BoundedFiles;
import io.onescaphandre.contracts.bytes.ByteSize;
import io.onescaphandre.contracts.hostid.HostId;
import io.onescaphandre.contracts.hostid.HostIdNotFoundException;
import io.onescaphandre.contracts.hostid.HypervisorFilesHostIdFinder;
import io.onescaphandre.contracts.hostid.LocalHostId;
import io.onescaphandre.contracts.prometheus.PlainPrometheusJob;
import io.onescaphandre.contracts.prometheus.ScrapeTarget;
import io.onescaphandre.operator.opennebula.AnswerLimits;
import io.onescaphandre.operator.opennebula.OneHost;
import io.onescaphandre.operator.opennebula.OpenNebulaConnectionSettings;
import io.onescaphandre.operator.opennebula.OpenNebulaException;
import io.onescaphandre.operator.opennebula.RetryPolicy;
import io.onescaphandre.operator.opennebula.XmlRpcOpenNebulaClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate-conf}: the Prometheus job for Prometheus servers outside Kubernetes (such as
 * OpenNebula's own), replacing the seed's generate_conf.sh. Output goes to stdout only when
 * everything worked; any failure prints what to check on stderr and exits non-zero.
 */
@Command(
    name = "generate-conf",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print a Prometheus scrape job for the one-scaphandre agents of OpenNebula's KVM, QEMU and"
          + " LXC hosts, each target labelled host_id and one_host_id (and cluster).",
      "Without --local, the hosts come from OpenNebula's XML-RPC API (defaults as OpenNebula's"
          + " tools: ONE_XMLRPC, ONE_AUTH, ~/.one/one_auth). With --local, only this host, whose"
          + " id comes from OpenNebula's files (/var/tmp/one_db/config, else"
          + " /var/tmp/one/im/status_<kvm|qemu|lxc>_<id>.db)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the job was printed",
      "1:OpenNebula or its files could not give the hosts (see stderr)",
      "2:invalid options"
    })
public final class GenerateConfCommand implements Callable<Integer> {
  static final int EXIT_FAILURE = 1;
  static final long MAX_HOSTNAME_FILE_BYTES = 4096;

  /** Output formats. */
  enum Format {
    yaml,
    file_sd
  }

  @Spec private CommandSpec spec;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "OpenNebula XML-RPC endpoint (default: $ONE_XMLRPC, else "
              + OpenNebulaConnectionSettings.DEFAULT_ENDPOINT
              + ").")
  private String endpoint;

  @Option(
      names = "--auth-file",
      paramLabel = "FILE",
      description = "File holding user:password (default: $ONE_AUTH, else ~/.one/one_auth).")
  private Path authFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description =
          "Time allowed for the whole call to OpenNebula: connecting, the headers and the whole"
              + " answer (default: ${DEFAULT-VALUE}).")
  private String timeout;

  @Option(
      names = "--max-answer-size",
      paramLabel = "SIZE",
      converter = ByteSize.class,
      defaultValue = AnswerLimits.DEFAULT_MAX_ANSWER_SIZE,
      description =
          "Largest answer read from OpenNebula (bytes, or with Ki, Mi, Gi); a larger one is"
              + " refused while it streams in (default: ${DEFAULT-VALUE}).")
  private long maxAnswerBytes;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Agent port on every host (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(
      names = "--job-name",
      defaultValue = "scaphandre",
      description = "Prometheus job_name (default: ${DEFAULT-VALUE}).")
  private String jobName;

  @Option(
      names = "--format",
      defaultValue = "yaml",
      description =
          "yaml (a scrape_configs entry) or file_sd (JSON for file_sd_configs)"
              + " (default: ${DEFAULT-VALUE}).")
  private Format format;

  @Option(
      names = "--local",
      description = "Only this host, its id read from OpenNebula's files on it (no API call).")
  private boolean local;

  @Option(
      names = "--path.rootfs",
      paramLabel = "DIR",
      defaultValue = "/",
      description =
          "Where the host's root file system is mounted, for --local"
              + " (default: ${DEFAULT-VALUE}).")
  private Path rootfs;

  @Option(
      names = "--hostname",
      description = "Target host name for --local (default: the host's /etc/hostname).")
  private String hostname;

  private final Map<String, String> env;
  private final Path home;

  public GenerateConfCommand() {
    this(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  GenerateConfCommand(Map<String, String> env, Path home) {
    this.env = env;
    this.home = home;
  }

  /** Runnable on its own until the operator's main command lists it as a subcommand. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new GenerateConfCommand()).execute(args));
  }

  @Override
  public Integer call() {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be between 1 and 65535, got " + port);
    }
    if (jobName.isBlank()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--job-name must not be empty");
    }
    String output;
    try {
      List<ScrapeTarget> targets = local ? localTarget() : targetsFromOpenNebula();
      output =
          format == Format.yaml
              ? new PlainPrometheusJob(jobName, null, null, targets).yaml()
              : PlainPrometheusJob.fileSd(targets);
    } catch (OpenNebulaException e) {
      spec.commandLine().getErr().println("generate-conf: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return EXIT_FAILURE;
    }
    spec.commandLine().getOut().print(output);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private List<ScrapeTarget> targetsFromOpenNebula() {
    OpenNebulaConnectionSettings settings =
        OpenNebulaConnectionSettings.fromCommandLine(
            endpoint,
            authFile,
            OpenNebulaConnectionSettings.parseDuration(timeout, "--timeout"),
            env,
            home);
    List<OneHost> hosts =
        new XmlRpcOpenNebulaClient(
                settings, RetryPolicy.NONE, d -> {}, new AnswerLimits(maxAnswerBytes))
            .hostPool();
    List<ScrapeTarget> targets = targetsOf(hosts, port);
    if (targets.isEmpty()) {
      throw new OpenNebulaException(
          OpenNebulaException.Kind.NO_HOST_ID,
          "OpenNebula at "
              + settings.endpoint()
              + " lists no KVM, QEMU or LXC host ("
              + hosts.size()
              + " hosts in all). Check `onehost list` and that the user may see"
              + " the hosts.");
    }
    return targets;
  }

  private List<ScrapeTarget> localTarget() {
    LocalHostId id;
    try {
      id = new HypervisorFilesHostIdFinder(rootfs).find();
    } catch (HostIdNotFoundException e) {
      throw new OpenNebulaException(OpenNebulaException.Kind.NO_HOST_ID, e.getMessage());
    }
    for (String note : id.ignored()) {
      spec.commandLine().getErr().println("generate-conf: ignored " + note);
    }
    return List.of(new ScrapeTarget(localHostname(), port, id.hostId()));
  }

  /** One target per KVM/QEMU/LXC host, {@code <host NAME>:<port>}, ordered by host id. */
  static List<ScrapeTarget> targetsOf(List<OneHost> hosts, int port) {
    return hosts.stream()
        .filter(OneHost::isMonitorable)
        .sorted(Comparator.comparingInt(OneHost::id))
        .map(
            h ->
                new ScrapeTarget(
                    h.name(),
                    port,
                    HostId.of(h.id()),
                    h.clusterName() == null || h.clusterName().isEmpty()
                        ? Map.of()
                        : Map.of("cluster", h.clusterName())))
        .toList();
  }

  private String localHostname() {
    if (hostname != null && !hostname.isBlank()) {
      return hostname.strip();
    }
    Path etcHostname = rootfs.resolve("etc/hostname");
    try {
      String fromFile =
          BoundedFiles.readUtf8(
                  etcHostname,
                  MAX_HOSTNAME_FILE_BYTES,
                  "the host name file",
                  "a host name is at most 253 characters")
              .strip();
      if (!fromFile.isEmpty()) {
        return fromFile.lines().findFirst().orElseThrow().strip();
      }
    } catch (BoundedFiles.TooLarge e) {
      throw new OpenNebulaException(
          OpenNebulaException.Kind.CONFIGURATION, e.getMessage() + ". Pass --hostname.");
    } catch (IOException absent) {
      // fall back to the name of the machine this runs on
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new OpenNebulaException(
          OpenNebulaException.Kind.CONFIGURATION,
          "Cannot tell this host's name ("
              + etcHostname
              + " is missing and the local host name"
              + " does not resolve). Pass --hostname.");
    }
  }
}
