package io.onescaphandre.demo;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.onescaphandre.operator.api.ScaphandreMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The README's sample monitor (examples/scaphandremonitor.yaml), packed into the jar. */
public final class SampleMonitor {
  public static final String RESOURCE = "/samples/scaphandremonitor.yaml";

  private SampleMonitor() {}

  public static ScaphandreMonitor load() {
    try (InputStream in = SampleMonitor.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + RESOURCE);
      }
      return new KubernetesSerialization().unmarshal(in, ScaphandreMonitor.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
