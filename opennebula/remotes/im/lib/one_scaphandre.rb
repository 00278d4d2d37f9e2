# one-scaphandre: what the IM probes one_scaphandre.rb share. They ask the node agent of
# one-scaphandre for the text they print; the agent renders it (no metric parsing here).
#
# Agent address: ONE_SCAPHANDRE_AGENT_URL (e.g. http://10.0.0.5:8080) when set; otherwise the
# agent's port (ONE_SCAPHANDRE_AGENT_PORT, default 8080) on 127.0.0.1 first (an agent run as a host
# service or on the host network), then on this host's own addresses, the source address of its
# default route first: the agent's hostPort is DNATed by the CNI for the node's addresses, while
# 127.0.0.1 often is not (CNI portmap needs route_localnet for that, other CNIs ignore it).
#
# A probe always exits 0 and prints only what OpenNebula can parse: a failing probe would make
# monitord drop every other probe's output of the same directory.
require 'net/http'
require 'socket'
require 'uri'

module OneScaphandre

    DEFAULT_PORT  = 8080
    OPEN_TIMEOUT  = 1
    READ_TIMEOUT  = 3
    MAX_ADDRESSES = 4

    HOST_LINE = /\A[A-Z][A-Z0-9_]*="[^"\n]*"\z/
    VM_LINE   = %r{\AVM = \[ ID="\d+", MONITOR="[A-Za-z0-9+/]*={0,2}" \]\z}

    # Prints the host template lines of the agent, or POWER_STATE="agent-unreachable".
    def self.host_system
        run('/opennebula/host', 'SYSTEM_HOST', HOST_LINE,
            "POWER_STATE=\"agent-unreachable\"\n")
    end

    # Prints one VM = [ ... ] block per VM, or nothing.
    def self.vm_monitor
        run('/opennebula/vms', 'MONITOR_VM', VM_LINE, '')
    end

    def self.run(path, period_key, line_format, fallback)
        config = STDIN.tty? ? '' : STDIN.read.to_s
        body   = fetch(path, period(config, period_key))
        print(body && valid?(body, line_format) ? body : fallback)
    rescue StandardError
        print fallback
    ensure
        STDOUT.flush
        exit 0
    end

    # The probe's own period from the MONITOR_CONFIGURATION monitord passes on stdin.
    def self.period(config, key)
        match = config.match(%r{<PROBES_PERIOD>.*?<#{key}>\s*(\d+)\s*</#{key}>}m)
        match && match[1]
    end

    def self.valid?(body, line_format)
        body.each_line.all? {|line| line.chomp.match?(line_format) }
    end

    def self.fetch(path, period)
        agent_urls.each do |base|
            uri = URI("#{base}#{path}")
            uri.query = "period=#{period}" if period

            begin
                # nil proxy: an http_proxy of the host must not see a local request
                http = Net::HTTP.new(uri.host, uri.port, nil)
                http.use_ssl = uri.scheme == 'https'
                http.open_timeout = OPEN_TIMEOUT
                http.read_timeout = READ_TIMEOUT
                response = http.request(Net::HTTP::Get.new(uri.request_uri))
                return response.body.to_s if response.is_a?(Net::HTTPSuccess)
            rescue StandardError
                next
            end
        end
        nil
    end

    def self.agent_urls
        url = ENV['ONE_SCAPHANDRE_AGENT_URL'].to_s.strip
        return [url.chomp('/')] unless url.empty?

        port  = Integer(ENV['ONE_SCAPHANDRE_AGENT_PORT'] || DEFAULT_PORT)
        hosts = ['127.0.0.1', route_source] + own_addresses
        hosts.compact.uniq.first(MAX_ADDRESSES).map {|h| "http://#{h}:#{port}" }
    end

    # The address this host sends from on its default route (what Kubernetes usually reports as
    # the node's InternalIP). connect() on UDP only picks the route: no packet is sent.
    def self.route_source
        socket = UDPSocket.new
        socket.connect('198.51.100.1', 9)
        socket.local_address.ip_address
    rescue StandardError
        nil
    ensure
        socket.close if socket
    end

    def self.own_addresses
        Socket.ip_address_list.select do |a|
            a.ipv4? && !a.ipv4_loopback? && !a.ipv4_multicast?
        end.map(&:ip_address)
    end

end
