package io.onescaphandre.operator.opennebula;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.HistoryFixture;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.HostFixture;
import io.onescaphandre.operator.opennebula.OpenNebulaFixtures.VmFixture;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time and memory of reading OpenNebula's pools at the sizes the operator is built for: 5,000 hosts
 * and 100,000 VMs ({@code one.vmpool.info}, every VM ACTIVE; {@code one.vmpool.infoextended} for
 * comparison). Goal: each under 1 s and within a 256 MiB heap. Not part of the default test run
 * (the class name matches no surefire pattern, and it is tagged {@code benchmark});
 * docs/benchmarks/opennebula.md has the command and the figures.
 *
 * <p>Reported per case, medians of 7 runs after 3 warm-ups ({@code -Dbenchmark.runs}, {@code
 * -Dbenchmark.warmups}): wall time, bytes allocated by the parsing thread, peak heap occupancy
 * during the run (heap pools' peak after a GC and a peak reset, garbage included) and the heap the
 * result retains.
 */
@Tag("benchmark")
class OpenNebulaPoolBenchmark {
  static final int HOSTS = 5_000;
  static final int VMS = 100_000;
  static final int NODES = 1_000;
  static final int WARMUPS = Integer.getInteger("benchmark.warmups", 3);
  static final int RUNS = Integer.getInteger("benchmark.runs", 7);

  @TempDir Path dir;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void poolsOfFiveThousandHostsAndOneHundredThousandVms() throws Exception {
    Path hostAnswer = dir.resolve("hostpool.xml");
    Path shortAnswer = dir.resolve("vmpool-short.xml");
    Path extendedAnswer = dir.resolve("vmpool-extended.xml");
    writeAnswer(
        hostAnswer,
        "<HOST_POOL>",
        "</HOST_POOL>",
        HOSTS,
        i -> {
          StringBuilder xml = new StringBuilder(2048);
          OpenNebulaFixtures.appendHost(host(i), xml);
          return xml.toString();
        });
    writeAnswer(shortAnswer, "<VM_POOL>", "</VM_POOL>", VMS, OpenNebulaPoolBenchmark::shortVm);
    writeAnswer(
        extendedAnswer, "<VM_POOL>", "</VM_POOL>", VMS, OpenNebulaPoolBenchmark::extendedVm);
    System.out.printf(
        Locale.ROOT,
        "%nOpenNebula pool benchmark: java %s, %d CPUs, max heap %d MiB%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        Locale.ROOT,
        "answers (XML-RPC, escaped): host pool %d MiB, one.vmpool.info %d MiB, one.vmpool.infoextended %d MiB%n",
        Files.size(hostAnswer) >> 20,
        Files.size(shortAnswer) >> 20,
        Files.size(extendedAnswer) >> 20);

    List<OneHost> hosts =
        measure(
            "parse one.hostpool.info, " + HOSTS + " hosts",
            () -> read(hostAnswer, "one.hostpool.info", HostPoolParser::parse));
    assertThat(hosts).hasSize(HOSTS);
    List<OneVm> vms =
        measure(
            "parse one.vmpool.info, " + VMS + " VMs",
            () -> read(shortAnswer, "one.vmpool.info", VmPoolParser::parse));
    assertThat(vms).hasSize(VMS);
    assertThat(vms.get(VMS - 1).hostId()).isEqualTo((VMS - 1) % HOSTS);
    vms = null;

    // Where the time goes: the XML-RPC layer alone (unescaping the body) and the pool parser alone
    // (on the unescaped document).
    assertThat(
            measure(
                "  XML-RPC layer only (body read, not parsed)",
                () -> read(shortAnswer, "one.vmpool.info", OpenNebulaPoolBenchmark::countChars)))
        .isPositive();
    Path vmDocument = dir.resolve("vmpool-short-document.xml");
    writeDocument(vmDocument, "<VM_POOL>", "</VM_POOL>", VMS, OpenNebulaPoolBenchmark::shortVm);
    assertThat(
            measure(
                "  VmPoolParser only (unescaped document)",
                () -> {
                  try (java.io.Reader in = Files.newBufferedReader(vmDocument)) {
                    return VmPoolParser.parse(in);
                  } catch (IOException | javax.xml.stream.XMLStreamException e) {
                    throw new IllegalStateException(e);
                  }
                }))
        .hasSize(VMS);
    Files.delete(vmDocument);
    // For comparison: the same VMs in the full body of one.vmpool.infoextended.
    List<OneVm> extended =
        measure(
            "parse one.vmpool.infoextended, " + VMS + " VMs",
            () -> read(extendedAnswer, "one.vmpool.infoextended", VmPoolParser::parse));
    assertThat(extended).hasSize(VMS);
    assertThat(extended.get(VMS - 1).hostId()).isEqualTo((VMS - 1) % HOSTS);
    extended = null;
    Files.delete(extendedAnswer);

    List<NodeIdentity> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      nodes.add(new NodeIdentity("kvm-" + i, List.of("10.1." + (i / 250) + "." + (i % 250))));
    }
    HostMatchResult matched =
        measure(
            "HostMatcher, " + NODES + " nodes x " + HOSTS + " hosts",
            () -> HostMatcher.match(nodes, hosts));
    assertThat(matched.matches()).hasSize(NODES);

    try (Served served = new Served(hostAnswer, shortAnswer)) {
      XmlRpcOpenNebulaClient client =
          new XmlRpcOpenNebulaClient(
              new OpenNebulaConnectionSettings(
                  served.endpoint(), FakeOpenNebula.SESSION, false, null, Duration.ofSeconds(30)),
              RetryPolicy.NONE,
              d -> {});
      assertThat(measure("XmlRpcOpenNebulaClient.hostPool() over loopback HTTP", client::hostPool))
          .hasSize(HOSTS);
      assertThat(
              measure(
                  "XmlRpcOpenNebulaClient.vmPool(ACTIVE) over loopback HTTP",
                  () -> client.vmPool(OpenNebulaClient.VmStateFilter.ACTIVE)))
          .hasSize(VMS);
    }
  }

  private static String shortVm(int i) {
    StringBuilder xml = new StringBuilder(1024);
    OpenNebulaFixtures.appendShortVm(vm(i), xml);
    return xml.toString();
  }

  private static String extendedVm(int i) {
    StringBuilder xml = new StringBuilder(4096);
    OpenNebulaFixtures.appendExtendedVm(vm(i), xml);
    return xml.toString();
  }

  private static HostFixture host(int i) {
    String mad = i % 10 == 0 ? "lxc" : "kvm";
    return new HostFixture(
        i, "kvm-" + i, "kvm-" + i + ".example.org", mad, mad, 2, i % 20, "cluster-" + (i % 20));
  }

  private static VmFixture vm(int i) {
    int host = i % HOSTS;
    return new VmFixture(
        i,
        "vm-" + i,
        "user" + (i % 500),
        "group" + (i % 50),
        3,
        3,
        List.of(
            new HistoryFixture(0, (host + 1) % HOSTS, "kvm-" + ((host + 1) % HOSTS), "kvm"),
            new HistoryFixture(1, host, "kvm-" + host, "kvm")));
  }

  /** {@code [true, <pool>, 0]} written piece by piece: the benchmark itself never holds a pool. */
  private static void writeAnswer(
      Path file, String open, String close, int count, IntFunction<String> element)
      throws IOException {
    String empty = OpenNebulaFixtures.success("\u0000");
    int hole = empty.indexOf('\u0000');
    try (Writer out =
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      out.write(empty.substring(0, hole));
      out.write(OpenNebulaFixtures.esc(open));
      for (int i = 0; i < count; i++) {
        out.write(OpenNebulaFixtures.esc(element.apply(i)));
      }
      out.write(OpenNebulaFixtures.esc(close));
      out.write(empty.substring(hole + 1));
    }
  }

  private static long countChars(java.io.Reader body) {
    char[] buffer = new char[1 << 14];
    long total = 0;
    try {
      for (int n; (n = body.read(buffer)) >= 0; ) {
        total += n;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return total;
  }

  private static void writeDocument(
      Path file, String open, String close, int count, IntFunction<String> element)
      throws IOException {
    try (Writer out =
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      out.write(open);
      for (int i = 0; i < count; i++) {
        out.write(element.apply(i));
      }
      out.write(close);
    }
  }

  private static <T> T read(Path answer, String method, XmlRpcAnswerReader.BodyParser<T> parser) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(answer), 1 << 16)) {
      return XmlRpcAnswerReader.read(in, method, parser);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T measure(String name, Supplier<T> run) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    for (int i = 0; i < WARMUPS; i++) {
      run.get();
    }
    List<Long> nanos = new ArrayList<>();
    List<Long> allocated = new ArrayList<>();
    List<Long> peaks = new ArrayList<>();
    List<Long> retained = new ArrayList<>();
    T result = null;
    for (int i = 0; i < RUNS; i++) {
      result = null;
      System.gc();
      long before = usedHeap();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      result = run.get();
      nanos.add(System.nanoTime() - start);
      allocated.add(threads.getCurrentThreadAllocatedBytes() - allocatedBefore);
      peaks.add(heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum());
      System.gc();
      retained.add(usedHeap() - before);
    }
    System.out.printf(
        Locale.ROOT,
        "%-58s median %7.1f ms (min %.1f, max %.1f); allocated %5d MiB; peak heap %4d MiB; result %4d MiB%n",
        name,
        median(nanos) / 1e6,
        Collections.min(nanos) / 1e6,
        Collections.max(nanos) / 1e6,
        median(allocated) >> 20,
        median(peaks) >> 20,
        Math.max(0, median(retained)) >> 20);
    return result;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** Streams the answer files from disk, as oned would send them. */
  private static final class Served implements AutoCloseable {
    private final HttpServer server;

    Served(Path hostAnswer, Path vmAnswer) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/RPC2",
          exchange -> {
            String request =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Path file =
                request.contains("<methodName>one.hostpool.info</methodName>")
                    ? hostAnswer
                    : request.contains("<methodName>one.vmpool.info</methodName>")
                        ? vmAnswer
                        : null;
            if (file == null) {
              exchange.sendResponseHeaders(404, -1);
              exchange.close();
              return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
              Files.copy(file, out);
            }
          });
      server.start();
    }

    URI endpoint() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/RPC2");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
