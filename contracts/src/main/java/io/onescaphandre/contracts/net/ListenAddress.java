package io.onescaphandre.contracts.net;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Listen addresses as node_exporter writes them, {@code [HOST]:PORT}: {@code :8080} (every
 * address), {@code 127.0.0.1:0} (an ephemeral port), {@code [::1]:8081}, {@code localhost:9100}. An
 * IPv6 literal needs its brackets, as in a URL: {@code ::1:8080} is refused, not guessed.
 */
public final class ListenAddress {
  private ListenAddress() {}

  /**
   * @throws IllegalArgumentException quoting the text and saying what is wrong
   */
  public static InetSocketAddress parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("no listen address: expected [HOST]:PORT such as :8080");
    }
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "'" + value + "' is not [HOST]:PORT such as :8080 or 127.0.0.1:8080");
    }
    String host = value.substring(0, colon);
    String portText = value.substring(colon + 1);
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "'" + value + "': the port '" + portText + "' is not a number");
    }
    int port = Integer.parseInt(portText);
    if (port > 65535) {
      throw new IllegalArgumentException("'" + value + "': the port is outside 0-65535");
    }
    if (host.startsWith("[") != host.endsWith("]") || host.length() == 1) {
      throw new IllegalArgumentException("'" + value + "': unbalanced brackets around the host");
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "'" + value + "': write an IPv6 host in brackets, such as [::1]:" + port);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The picocli converter of both command lines' {@code --*.listen-address} flags. */
  public static final class Converter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
