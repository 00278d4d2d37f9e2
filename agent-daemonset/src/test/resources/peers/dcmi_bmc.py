"""A BMC on loopback that answers the DCMI Get Power Reading command (NetFn 0x2C, Cmd 0x02).

Test peer of the agent's ipmi source: pyghmi's BMC emulation handles the IPMI LAN session
(RMCP+, what `ipmitool -I lanplus` speaks); this subclass adds the one DCMI command. The reading is
taken from a file on each request, so a test can change it while the BMC runs:
  <watts> [state]     state: active (default) or inactive (measurement deactivated, as OpenBMC does)
Usage: dcmi_bmc.py PORT READING_FILE USER PASSWORD
"""
import struct
import sys
import time

import pyghmi.ipmi.bmc as bmc

DCMI_NETFN = 0x2C
DCMI_GET_POWER_READING = 0x02
DCMI_GROUP = 0xDC


class DcmiBmc(bmc.Bmc):
    def __init__(self, authdata, port, reading_file):
        super().__init__(authdata, port=port, address='127.0.0.1')
        self.reading_file = reading_file

    def get_power_state(self):
        return 'on'

    def reading(self):
        with open(self.reading_file) as f:
            fields = f.read().split()
        watts = int(fields[0])
        active = len(fields) < 2 or fields[1] == 'active'
        return watts, active

    def handle_raw_request(self, request, session):
        if request['netfn'] != DCMI_NETFN or request['command'] != DCMI_GET_POWER_READING:
            return super().handle_raw_request(request, session)
        watts, active = self.reading()
        now = int(time.time()) if active else 0
        period_ms = 3_600_000 if active else 0
        state = 0x40 if active else 0x00
        # group, current, minimum, maximum, average (u16 LE), timestamp (u32), period ms (u32), state
        data = struct.pack('<BHHHHIIB', DCMI_GROUP, watts, max(watts - 20, 0), min(watts + 30, 0xFFFF), watts,
                           now, period_ms, state)
        session.send_ipmi_response(data=list(data))


def main():
    port, reading_file, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    server = DcmiBmc({user: password}, port, reading_file)
    print('listening', flush=True)
    server.listen()


if __name__ == '__main__':
    sys.exit(main())
