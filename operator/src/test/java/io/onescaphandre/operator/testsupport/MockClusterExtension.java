package io.onescaphandre.operator.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A fresh {@link MockCluster} for each test, closed after it (operator, informers, server). */
public final class MockClusterExtension implements BeforeEachCallback, AfterEachCallback {
  private MockCluster cluster;

  @Override
  public void beforeEach(ExtensionContext context) {
    cluster = MockCluster.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  public MockCluster cluster() {
    return cluster;
  }
}
