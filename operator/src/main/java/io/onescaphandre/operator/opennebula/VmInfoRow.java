package io.onescaphandre.operator.opennebula;

import io.onescaphandre.contracts.hostid.Hypervisor;
import java.util.List;

/** The label values of one {@code opennebula_vm_info} series. */
public record VmInfoRow(
    String oneVmId,
    String vmName,
    String uname,
    String gname,
    String oneHostId,
    String hypervisor) {

  /** Label names in the order of {@link #values()}, as in docs/interfaces.md. */
  public static final List<String> LABEL_NAMES =
      List.of("one_vm_id", "vm_name", "uname", "gname", "one_host_id", "hypervisor");

  public static VmInfoRow of(OneVm vm) {
    return new VmInfoRow(
        Integer.toString(vm.id()),
        vm.name(),
        vm.uname(),
        vm.gname(),
        Integer.toString(vm.hostId()),
        vm.hypervisor().map(Hypervisor::label).orElse(vm.vmMad() == null ? "" : vm.vmMad()));
  }

  public List<String> values() {
    return List.of(oneVmId, vmName, uname, gname, oneHostId, hypervisor);
  }
}
