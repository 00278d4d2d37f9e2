package io.onescaphandre.agent.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One metric name of the agent: its help, type and label names. {@link #points()} collects one
 * sample's series, which are written straight into the exposition's bytes: a series absent from a
 * sample is simply not there (a stopped VM's series disappears), with no meter to register or
 * remove and no intermediate model. The bytes are those the Prometheus client's writers make for
 * the same series (ExpositionGoldenTest): families and series in its order, its escapes and number
 * format.
 */
final class Family {
  enum Type {
    GAUGE,
    COUNTER,
    /** A gauge whose value is always 1 and whose labels carry the facts ({@code _info}). */
    INFO
  }

  private final String name;
  private final Type type;
  private final String[] labelNames;
  // The label names sorted, as written, and where each comes from in labelNames.
  private final int[] writeOrder;
  private final byte[] textHeader;
  private final byte[] openMetricsHeader;
  private final String sampleName;
  private final Comparator<Entry> seriesOrder;

  /**
   * @param name without {@code _total} for a counter, without {@code _info} for an info family
   */
  Family(String name, String help, Type type, String... labelNames) {
    this.name = name;
    this.type = type;
    this.labelNames = labelNames;
    Integer[] order = new Integer[labelNames.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> labelNames[i]));
    this.writeOrder = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    this.sampleName =
        switch (type) {
          case GAUGE -> name;
          case COUNTER -> name + "_total";
          case INFO -> name + "_info";
        };
    String textType = type == Type.COUNTER ? "counter" : "gauge";
    this.textHeader =
        new TextBuffer(256)
            .append("# HELP ")
            .append(sampleName)
            .append(' ')
            .append(help)
            .append("\n# TYPE ")
            .append(sampleName)
            .append(' ')
            .append(textType)
            .append('\n')
            .toByteArray();
    String openMetricsType =
        switch (type) {
          case GAUGE -> "gauge";
          case COUNTER -> "counter";
          case INFO -> "info";
        };
    this.openMetricsHeader =
        new TextBuffer(256)
            .append("# TYPE ")
            .append(name)
            .append(' ')
            .append(openMetricsType)
            .append("\n# HELP ")
            .append(name)
            .append(' ')
            .append(help)
            .append('\n')
            .toByteArray();
    this.seriesOrder =
        (a, b) -> {
          for (int i : writeOrder) {
            int c = a.values[i].compareTo(b.values[i]);
            if (c != 0) {
              return c;
            }
          }
          return 0;
        };
  }

  Points points() {
    return new Points();
  }

  private record Entry(String[] values, double value) {}

  /** The series of one sample; a label set given twice keeps its last value. */
  final class Points implements Block {
    private final List<Entry> entries = new ArrayList<>();
    private boolean sorted;

    Points add(double value, String... labelValues) {
      if (labelValues.length != labelNames.length) {
        throw new IllegalArgumentException(name + " expects labels " + List.of(labelNames));
      }
      for (String v : labelValues) {
        if (v == null) {
          throw new IllegalArgumentException(name + ": a label value is null");
        }
      }
      entries.add(new Entry(labelValues, value));
      return this;
    }

    /** The family with these series, or nothing when there is none (no HELP without a series). */
    void addTo(List<Block> out) {
      if (!entries.isEmpty()) {
        sortOnce();
        out.add(this);
      }
    }

    int size() {
      return entries.size();
    }

    @Override
    public String sortName() {
      return name;
    }

    @Override
    public void write(TextBuffer out, boolean openMetrics) {
      out.append(openMetrics ? openMetricsHeader : textHeader);
      for (Entry e : entries) {
        out.append(sampleName);
        if (writeOrder.length > 0) {
          char separator = '{';
          for (int i : writeOrder) {
            out.append(separator).append(labelNames[i]).append("=\"").appendEscaped(e.values[i]);
            out.append('"');
            separator = ',';
          }
          out.append('}');
        }
        out.append(' ');
        if (type == Type.INFO) {
          out.append('1');
        } else {
          out.appendValue(e.value);
        }
        out.append('\n');
      }
    }

    /** Sorts the series as the client does and keeps the last of equal label sets. */
    private void sortOnce() {
      if (sorted) {
        return;
      }
      sorted = true;
      // Stable: among equal label sets the one added last comes last.
      entries.sort(seriesOrder);
      for (int i = entries.size() - 1; i > 0; i--) {
        if (seriesOrder.compare(entries.get(i - 1), entries.get(i)) == 0) {
          entries.remove(i - 1);
        }
      }
    }
  }
}
