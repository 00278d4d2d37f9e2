package io.onescaphandre.agent.power;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param endpoint this node's BMC
 * @param usernameFile, passwordFile the BMC account, as mounted from the opted-in Secret
 * @param caFile PEM certificates the BMC's TLS certificate must chain to (null: the JVM's trust
 *     store)
 * @param chassis the chassis to read ({@code null}: the first chassis with a power reading)
 * @param timeout of each HTTP request
 */
public record RedfishSettings(
    BmcEndpoint endpoint,
    Path usernameFile,
    Path passwordFile,
    Path caFile,
    String chassis,
    Duration timeout) {}
