package io.onescaphandre.operator.opennebula;

import java.util.List;

/**
 * OpenNebula pool documents as oned writes them (no namespace), complete enough to validate against
 * OpenNebula's XSDs, plus the XML-RPC answers that carry them.
 */
final class OpenNebulaFixtures {
  private OpenNebulaFixtures() {}

  record HostFixture(
      int id,
      String name,
      String hostname,
      String imMad,
      String vmMad,
      int state,
      int clusterId,
      String cluster) {}

  record HistoryFixture(int seq, int hostId, String hostname, String vmMad) {}

  record VmFixture(
      int id,
      String name,
      String uname,
      String gname,
      int state,
      int lcmState,
      List<HistoryFixture> history) {}

  /** Several hosts in several states and clusters, an LXC host, a QEMU host, a vCenter host. */
  static final List<HostFixture> HOSTS =
      List.of(
          new HostFixture(
              0, "kvm-a.example.org", "kvm-a.example.org", "kvm", "kvm", 2, 0, "default"),
          new HostFixture(3, "kvm-b", "kvm-b.example.org", "kvm", "kvm", 3, 100, "edge"),
          new HostFixture(7, "10.0.0.17", "qemu-c", "qemu", "qemu", 4, 100, "edge"),
          new HostFixture(12, "lxc-d", "lxc-d", "lxc", "lxc", 2, 101, "containers"),
          new HostFixture(20, "vcenter-e", "vcenter-e", "vcenter", "vcenter", 2, 0, "default"),
          new HostFixture(21, "new-host", null, "kvm", "kvm", 8, 0, "default"));

  static final List<VmFixture> VMS =
      List.of(
          new VmFixture(
              40,
              "web-1",
              "alice",
              "users",
              3,
              3,
              List.of(new HistoryFixture(0, 0, "kvm-a.example.org", "kvm"))),
          // migrated from host 0 to host 3: the last record (highest SEQ) is the current host
          new VmFixture(
              41,
              "db <primary> & co",
              "bob",
              "oneadmin",
              3,
              3,
              List.of(
                  new HistoryFixture(0, 0, "kvm-a.example.org", "kvm"),
                  new HistoryFixture(1, 3, "kvm-b", "kvm"))),
          new VmFixture(
              42,
              "ct-1",
              "carol",
              "users",
              3,
              3,
              List.of(new HistoryFixture(0, 12, "lxc-d", "lxc"))),
          new VmFixture(
              43,
              "booting",
              "alice",
              "users",
              3,
              2,
              List.of(new HistoryFixture(0, 7, "10.0.0.17", "qemu"))),
          new VmFixture(
              44,
              "powered-off",
              "alice",
              "users",
              8,
              0,
              List.of(new HistoryFixture(0, 0, "kvm-a.example.org", "kvm"))),
          new VmFixture(45, "pending", "dave", "users", 1, 0, List.of()));

  static String hostPool(List<HostFixture> hosts) {
    StringBuilder xml = new StringBuilder("<HOST_POOL>");
    for (HostFixture host : hosts) {
      appendHost(host, xml);
    }
    return xml.append("</HOST_POOL>").toString();
  }

  static void appendHost(HostFixture h, StringBuilder xml) {
    xml.append("<HOST><ID>")
        .append(h.id())
        .append("</ID><NAME>")
        .append(esc(h.name()))
        .append("</NAME><STATE>")
        .append(h.state())
        .append("</STATE><PREV_STATE>")
        .append(h.state())
        .append("</PREV_STATE><IM_MAD><![CDATA[")
        .append(h.imMad())
        .append("]]></IM_MAD><VM_MAD><![CDATA[")
        .append(h.vmMad())
        .append("]]></VM_MAD><CLUSTER_ID>")
        .append(h.clusterId())
        .append("</CLUSTER_ID><CLUSTER>")
        .append(esc(h.cluster()))
        .append("</CLUSTER>")
        .append("<HOST_SHARE><MEM_USAGE>0</MEM_USAGE><CPU_USAGE>0</CPU_USAGE>")
        .append("<TOTAL_MEM>32658508</TOTAL_MEM><TOTAL_CPU>800</TOTAL_CPU>")
        .append("<MAX_MEM>32658508</MAX_MEM><MAX_CPU>800</MAX_CPU>")
        .append("<RUNNING_VMS>0</RUNNING_VMS><VMS_THREAD>1</VMS_THREAD>")
        .append("<DATASTORES><DISK_USAGE>0</DISK_USAGE>")
        .append(
            "<DS><FREE_MB>9000</FREE_MB><ID>0</ID><TOTAL_MB>10000</TOTAL_MB><USED_MB>1000</USED_MB></DS>")
        .append("<FREE_DISK>9000</FREE_DISK><MAX_DISK>10000</MAX_DISK><USED_DISK>1000</USED_DISK>")
        .append("</DATASTORES><PCI_DEVICES/><NUMA_NODES><NODE>")
        .append(
            "<CORE><CPUS>0:-1,4:-1</CPUS><DEDICATED>NO</DEDICATED><FREE>2</FREE><ID>0</ID></CORE>")
        .append("<MEMORY><DISTANCE>0</DISTANCE><TOTAL>32658508</TOTAL><USAGE>0</USAGE></MEMORY>")
        .append("<NODE_ID>0</NODE_ID></NODE></NUMA_NODES></HOST_SHARE>")
        .append("<VMS><ID>40</ID></VMS><TEMPLATE><ARCH><![CDATA[x86_64]]></ARCH>")
        .append("<CPUSPEED><![CDATA[2400]]></CPUSPEED>");
    if (h.hostname() != null) {
      xml.append("<HOSTNAME><![CDATA[").append(h.hostname()).append("]]></HOSTNAME>");
    }
    xml.append("<HYPERVISOR><![CDATA[")
        .append(h.vmMad())
        .append("]]></HYPERVISOR>")
        .append("<RESERVED_CPU><![CDATA[]]></RESERVED_CPU></TEMPLATE>")
        .append("<MONITORING><TIMESTAMP>1764100000</TIMESTAMP><ID>")
        .append(h.id())
        .append("</ID><CAPACITY><FREE_CPU>790</FREE_CPU><USED_CPU>10</USED_CPU></CAPACITY>")
        .append("<SYSTEM><NETRX>100</NETRX><NETTX>200</NETTX></SYSTEM></MONITORING></HOST>");
  }

  /** The body of one.vmpool.infoextended: full VMs, every HISTORY record. */
  static String vmPoolExtended(List<VmFixture> vms) {
    StringBuilder xml = new StringBuilder("<VM_POOL>");
    for (VmFixture vm : vms) {
      appendExtendedVm(vm, xml);
    }
    return xml.append("</VM_POOL>").toString();
  }

  static void appendExtendedVm(VmFixture vm, StringBuilder xml) {
    appendVmHead(vm, xml);
    xml.append("<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A>")
        .append("<GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U>")
        .append("<OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>")
        .append("<LAST_POLL>0</LAST_POLL><STATE>")
        .append(vm.state())
        .append("</STATE><LCM_STATE>")
        .append(vm.lcmState())
        .append("</LCM_STATE><PREV_STATE>")
        .append(vm.state())
        .append("</PREV_STATE><PREV_LCM_STATE>")
        .append(vm.lcmState())
        .append("</PREV_LCM_STATE><RESCHED>0</RESCHED><STIME>1764000000</STIME><ETIME>0</ETIME>")
        .append("<DEPLOY_ID>8d3f2f6c-0b4e-4b8e-9a57-")
        .append(String.format("%012d", vm.id()))
        .append("</DEPLOY_ID><MONITORING><CPU><![CDATA[1.5]]></CPU><ID><![CDATA[")
        .append(vm.id())
        .append("]]></ID><MEMORY><![CDATA[524288]]></MEMORY></MONITORING><SCHED_ACTIONS/>")
        .append("<TEMPLATE><AUTOMATIC_REQUIREMENTS><![CDATA[!(PUBLIC_CLOUD = YES)]]>")
        .append("</AUTOMATIC_REQUIREMENTS><CPU><![CDATA[1]]></CPU><MEMORY><![CDATA[512]]></MEMORY>")
        .append("<TM_MAD_SYSTEM><![CDATA[ssh]]></TM_MAD_SYSTEM><VMID><![CDATA[")
        .append(vm.id())
        .append("]]></VMID></TEMPLATE><USER_TEMPLATE><LABELS><![CDATA[prod]]></LABELS>")
        .append("</USER_TEMPLATE><HISTORY_RECORDS>");
    for (HistoryFixture h : vm.history()) {
      xml.append("<HISTORY><OID>")
          .append(vm.id())
          .append("</OID><SEQ>")
          .append(h.seq())
          .append("</SEQ><HOSTNAME>")
          .append(esc(h.hostname()))
          .append("</HOSTNAME><HID>")
          .append(h.hostId())
          .append("</HID><CID>0</CID><STIME>1764000000</STIME><ETIME>0</ETIME>")
          .append("<VM_MAD><![CDATA[")
          .append(h.vmMad())
          .append("]]></VM_MAD>")
          .append("<TM_MAD><![CDATA[ssh]]></TM_MAD><DS_ID>0</DS_ID><PLAN_ID>-1</PLAN_ID>")
          .append("<ACTION_ID>-1</ACTION_ID><PSTIME>0</PSTIME><PETIME>0</PETIME>")
          .append("<RSTIME>0</RSTIME><RETIME>0</RETIME><ESTIME>0</ESTIME><EETIME>0</EETIME>")
          .append(
              "<ACTION>0</ACTION><UID>0</UID><GID>0</GID><REQUEST_ID>-1</REQUEST_ID></HISTORY>");
    }
    xml.append("</HISTORY_RECORDS><BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS></VM>");
  }

  /** The body of one.vmpool.info: the short VM, only the last HISTORY record. */
  static String vmPoolShort(List<VmFixture> vms) {
    StringBuilder xml = new StringBuilder("<VM_POOL>");
    for (VmFixture vm : vms) {
      appendShortVm(vm, xml);
    }
    return xml.append("</VM_POOL>").toString();
  }

  static void appendShortVm(VmFixture vm, StringBuilder xml) {
    appendVmHead(vm, xml);
    xml.append("<LAST_POLL>0</LAST_POLL><STATE>")
        .append(vm.state())
        .append("</STATE><LCM_STATE>")
        .append(vm.lcmState())
        .append("</LCM_STATE><RESCHED>0</RESCHED><STIME>1764000000</STIME>")
        .append("<ETIME>0</ETIME><DEPLOY_ID>one-")
        .append(vm.id())
        .append("</DEPLOY_ID>")
        .append("<TEMPLATE><CPU><![CDATA[1]]></CPU><MEMORY><![CDATA[512]]></MEMORY></TEMPLATE>")
        .append("<MONITORING><CPU><![CDATA[1.5]]></CPU><MEMORY><![CDATA[524288]]></MEMORY>")
        .append("<STATE><![CDATA[a]]></STATE></MONITORING><USER_TEMPLATE/><HISTORY_RECORDS>");
    if (!vm.history().isEmpty()) {
      HistoryFixture h = vm.history().get(vm.history().size() - 1);
      xml.append("<HISTORY><OID>")
          .append(vm.id())
          .append("</OID><SEQ>")
          .append(h.seq())
          .append("</SEQ><HOSTNAME>")
          .append(esc(h.hostname()))
          .append("</HOSTNAME><HID>")
          .append(h.hostId())
          .append("</HID><CID>0</CID><DS_ID>0</DS_ID><VM_MAD><![CDATA[")
          .append(h.vmMad())
          .append("]]></VM_MAD><TM_MAD><![CDATA[ssh]]></TM_MAD>")
          .append("<ACTION>0</ACTION></HISTORY>");
    }
    xml.append("</HISTORY_RECORDS></VM>");
  }

  private static void appendVmHead(VmFixture vm, StringBuilder xml) {
    xml.append("<VM><ID>")
        .append(vm.id())
        .append("</ID><UID>0</UID><GID>0</GID><UNAME>")
        .append(esc(vm.uname()))
        .append("</UNAME><GNAME>")
        .append(esc(vm.gname()))
        .append("</GNAME><NAME>")
        .append(esc(vm.name()))
        .append("</NAME>");
  }

  /** What oned sends for a successful call: {@code [true, body, 0]}. */
  static String success(String body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params>\r\n"
        + "<param><value><array><data>\r\n<value><boolean>1</boolean></value>\r\n"
        + "<value><string>"
        + esc(body)
        + "</string></value>\r\n"
        + "<value><i4>0</i4></value>\r\n</data></array></value></param>\r\n</params>\r\n"
        + "</methodResponse>\r\n";
  }

  /** What oned sends for a failed call: {@code [false, message, code]}. */
  static String error(String message, int code) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params>\r\n"
        + "<param><value><array><data>\r\n<value><boolean>0</boolean></value>\r\n"
        + "<value><string>"
        + esc(message)
        + "</string></value>\r\n"
        + "<value><i4>"
        + code
        + "</i4></value>\r\n</data></array></value></param>\r\n"
        + "</params>\r\n</methodResponse>\r\n";
  }

  /** What xmlrpc-c sends for a method it does not know. */
  static String noSuchMethodFault(String method) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<fault>\r\n"
        + "<value><struct>\r\n<member><name>faultCode</name>\r\n<value><i4>-506</i4></value>"
        + "</member>\r\n<member><name>faultString</name>\r\n<value><string>Method '"
        + method
        + "' not defined</string></value></member>\r\n</struct></value>\r\n</fault>\r\n"
        + "</methodResponse>\r\n";
  }

  static final String AUTH_ERROR =
      "[one.hostpool.info] User couldn't be authenticated, aborting call.";

  static String esc(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
