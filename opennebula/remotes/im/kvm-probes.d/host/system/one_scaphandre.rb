#!/usr/bin/env ruby
# Host power from the one-scaphandre agent into HOST/TEMPLATE (POWER_W, IDLE_POWER_W, ...).
require_relative '../../../lib/one_scaphandre'

OneScaphandre.host_system
