#!/usr/bin/env ruby
# Each VM's power and energy from the one-scaphandre agent into its MONITORING.
require_relative '../../../lib/one_scaphandre'

OneScaphandre.vm_monitor
