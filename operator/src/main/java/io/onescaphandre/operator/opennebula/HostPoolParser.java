package io.onescaphandre.operator.opennebula;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams {@code <HOST_POOL>} (the body of one.hostpool.info) into {@link OneHost} records. A pool
 * that lists one host id twice is refused, both entries named.
 */
public final class HostPoolParser {
  private HostPoolParser() {}

  public static List<OneHost> parse(Reader body) throws XMLStreamException {
    XMLStreamReader xml = PoolXml.open(body);
    try {
      PoolXml.enterRoot(xml, "HOST_POOL");
      List<OneHost> hosts = new ArrayList<>();
      while (PoolXml.nextChild(xml)) {
        if (xml.getLocalName().equals("HOST")) {
          hosts.add(readHost(xml, hosts.size() + 1));
        } else {
          PoolXml.skip(xml);
        }
      }
      PoolXml.finish(xml);
      PoolIds.requireUnique(hosts, OneHost::id, "host", h -> "NAME " + h.name());
      return hosts;
    } finally {
      xml.close();
    }
  }

  private static OneHost readHost(XMLStreamReader xml, int position) throws XMLStreamException {
    Integer id = null;
    String name = null;
    String hostname = null;
    String imMad = null;
    String vmMad = null;
    int state = -1;
    int clusterId = -1;
    String cluster = "";
    while (PoolXml.nextChild(xml)) {
      switch (xml.getLocalName()) {
        case "ID" -> id = PoolXml.integer(xml);
        case "NAME" -> name = PoolXml.text(xml);
        case "STATE" -> state = PoolXml.integer(xml);
        case "IM_MAD" -> imMad = PoolXml.text(xml);
        case "VM_MAD" -> vmMad = PoolXml.text(xml);
        case "CLUSTER_ID" -> clusterId = PoolXml.integer(xml);
        case "CLUSTER" -> cluster = PoolXml.text(xml);
        case "TEMPLATE" -> hostname = readTemplateHostname(xml);
        default -> PoolXml.skip(xml);
      }
    }
    if (id == null || name == null || name.isEmpty()) {
      throw new XMLStreamException(
          "HOST number " + position + " of the pool has no " + (id == null ? "ID" : "NAME"));
    }
    return new OneHost(
        id,
        name,
        hostname == null || hostname.isEmpty() ? null : hostname,
        imMad,
        vmMad,
        state,
        clusterId,
        cluster);
  }

  private static String readTemplateHostname(XMLStreamReader xml) throws XMLStreamException {
    String hostname = null;
    while (PoolXml.nextChild(xml)) {
      if (xml.getLocalName().equals("HOSTNAME")) {
        hostname = PoolXml.text(xml);
      } else {
        PoolXml.skip(xml);
      }
    }
    return hostname;
  }
}
