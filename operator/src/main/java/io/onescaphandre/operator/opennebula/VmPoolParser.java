package io.onescaphandre.operator.opennebula;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams {@code <VM_POOL>} (one.vmpool.info or one.vmpool.infoextended) into {@link OneVm}
 * records. The current host is the HISTORY record with the highest SEQ (the short body holds only
 * that one; the extended body holds them all). A pool that lists one VM id twice is refused, both
 * entries named.
 */
public final class VmPoolParser {
  private VmPoolParser() {}

  public static List<OneVm> parse(Reader body) throws XMLStreamException {
    XMLStreamReader xml = PoolXml.open(body);
    try {
      PoolXml.enterRoot(xml, "VM_POOL");
      List<OneVm> vms = new ArrayList<>();
      while (PoolXml.nextChild(xml)) {
        if (xml.getLocalName().equals("VM")) {
          vms.add(readVm(xml, vms.size() + 1));
        } else {
          PoolXml.skip(xml);
        }
      }
      PoolXml.finish(xml);
      PoolIds.requireUnique(vms, OneVm::id, "VM", vm -> "NAME " + vm.name());
      return vms;
    } finally {
      xml.close();
    }
  }

  private static OneVm readVm(XMLStreamReader xml, int position) throws XMLStreamException {
    Integer id = null;
    String name = "";
    String uname = "";
    String gname = "";
    int state = -1;
    int lcmState = -1;
    History last = History.NONE;
    while (PoolXml.nextChild(xml)) {
      switch (xml.getLocalName()) {
        case "ID" -> id = PoolXml.integer(xml);
        case "NAME" -> name = PoolXml.text(xml);
        case "UNAME" -> uname = PoolXml.text(xml);
        case "GNAME" -> gname = PoolXml.text(xml);
        case "STATE" -> state = PoolXml.integer(xml);
        case "LCM_STATE" -> lcmState = PoolXml.integer(xml);
        case "HISTORY_RECORDS" -> last = readLastHistory(xml);
        default -> PoolXml.skip(xml);
      }
    }
    if (id == null) {
      throw new XMLStreamException("VM number " + position + " of the pool has no ID");
    }
    return new OneVm(id, name, uname, gname, state, lcmState, last.hostId, last.vmMad);
  }

  private record History(int seq, int hostId, String vmMad) {
    static final History NONE = new History(Integer.MIN_VALUE, -1, null);
  }

  private static History readLastHistory(XMLStreamReader xml) throws XMLStreamException {
    History last = History.NONE;
    while (PoolXml.nextChild(xml)) {
      if (!xml.getLocalName().equals("HISTORY")) {
        PoolXml.skip(xml);
        continue;
      }
      int seq = -1;
      int hostId = -1;
      String vmMad = null;
      while (PoolXml.nextChild(xml)) {
        switch (xml.getLocalName()) {
          case "SEQ" -> seq = PoolXml.integer(xml);
          case "HID" -> hostId = PoolXml.integer(xml);
          case "VM_MAD" -> vmMad = PoolXml.text(xml);
          default -> PoolXml.skip(xml);
        }
      }
      if (seq >= last.seq) {
        last = new History(seq, hostId, vmMad);
      }
    }
    return last;
  }
}
