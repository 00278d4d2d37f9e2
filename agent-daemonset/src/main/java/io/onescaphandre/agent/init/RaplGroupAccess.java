package io.onescaphandre.agent.init;

import io.onescaphandre.agent.rapl.RaplZone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Lets one group read the RAPL energy counters, so that the host service's agent can run as its own
 * unprivileged user. Since the fix for CVE-2020-8694 (PLATYPUS: energy readings fine enough to leak
 * secrets through power side channels) {@code energy_uj} is 0400 root. Giving read to a group that
 * only the agent's system user belongs to keeps every other user out, and is narrower than running
 * the agent as root or with CAP_DAC_READ_SEARCH (which reads every file of the host). The kernel
 * recreates the files 0400 root when the modules are reloaded: the init step runs again before
 * every start of the agent.
 */
final class RaplGroupAccess {
  private RaplGroupAccess() {}

  /** What was done: the files granted, and the first failure (null when none). */
  record Outcome(List<Path> granted, String failure) {}

  static Outcome grant(List<RaplZone> zones, String group) {
    List<Path> granted = new ArrayList<>();
    for (RaplZone zone : zones) {
      Path file = zone.energyFile();
      try {
        PosixFileAttributeView view =
            Files.getFileAttributeView(file, PosixFileAttributeView.class);
        GroupPrincipal principal =
            file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        view.setGroup(principal);
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        permissions.add(PosixFilePermission.GROUP_READ);
        view.setPermissions(permissions);
        granted.add(file);
      } catch (UserPrincipalNotFoundException e) {
        return new Outcome(granted, "group " + group + " does not exist");
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return new Outcome(granted, "cannot give group " + group + " read on " + file + ": " + e);
      }
    }
    return new Outcome(granted, null);
  }
}
