-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- Wireshark dissector for the RBS channel of frr-rbp: the mldsync protocol
-- (version 2) that replicates IGMP/MLD memberships between two twin
-- routers over TCP.  Wire format: mldsync/msync.proto, doc/protocol.md.
--
-- Install (Wireshark 4.0, Lua 5.2):
--
--   * for one user:    mkdir -p ~/.local/lib/wireshark/plugins
--                      cp wireshark/rbs.lua ~/.local/lib/wireshark/plugins/
--   * for the system:  cp wireshark/rbs.lua \
--                        /usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/
--   * or once, without installing:
--                      tshark -X lua_script:wireshark/rbs.lua -r capture.pcap
--                      wireshark -X lua_script:wireshark/rbs.lua capture.pcap
--
-- Check that it is loaded: Help > About > Plugins, or
-- `tshark -G protocols | grep -w rbs`.
--
-- Which TCP connections are RBS
--
--   The port is configured per service (`peer ... port P` of a
--   remote-backup-service); pimd's IGMP channel uses P and pim6d's MLD
--   channel P + 1.  There is no fixed default, so:
--
--   * preference "TCP ports" (rbs.tcp_ports), a range, default 2100-2101:
--       tshark -o rbs.tcp_ports:1025-1026 ...
--   * Decode As (Analyze > Decode As..., TCP port, RBS):
--       tshark -d tcp.port==4000,rbs ...
--   * a heuristic on TCP (preference rbs.heuristic, on by default; or
--     --disable-heuristic rbs_tcp): a connection whose first frame is a
--     Hello (length, type 1, protobuf field 1 = version 1 or 2, the rest
--     of the Hello decoding cleanly) is RBS whatever its ports.  It only
--     recognises connections captured from their start.
--
-- Authentication trailer (key id 4 bytes + 16-byte MAC after the Envelope)
--
--   The frame does not say whether it carries one: the Envelope fills the
--   payload without a length of its own.  A sender seals every Envelope iff
--   its service has authentication configured, and it says so in its Hello
--   (field auth, absent = none); a Hello with another mode than the
--   receiver's ends the connection before any Envelope is sent
--   (msync_session.c rx_hello / msync_link_send).  So, per TCP stream and
--   direction:
--     1. the Hello of that direction: auth != none -> trailer;
--     2. else the Hello of the other direction (both must agree);
--     3. else (capture started mid-connection) a guess: the Envelope is
--        taken whole if the whole payload decodes strictly as an Envelope
--        (known fields, right wire types, seq and one body), else without
--        its last 20 bytes if those decode strictly, else whole (a key id
--        below 2^24 starts with a 0 byte, never a valid protobuf tag, so a
--        sealed Envelope does not decode whole).  Shown with an expert
--        note.  Preference rbs.trailer (auto, always, never) overrides
--        all three.
--   The field rbs.trailer.basis says which rule decided.  The MAC is shown,
--   not verified (that needs the key string and both Hellos).
--
-- The protobuf is decoded here, in Lua (no dependency on Wireshark's
-- protobuf dissector or its preferences).  Unknown fields are shown as
-- "unknown field N wire type W"; malformed input (truncated varint, a
-- length past the end, a wrong wire type) gets the expert info "malformed"
-- (rbs.malformed), framing errors (length 0 or over 65536) rbs.framing_error
-- and the rest of that direction is shown as data (the stream is lost).
-- Strings from the wire are shown as mldsync logs them: bytes other than
-- printable ASCII, '\' and '"' as \xNN.
--
-- Frames split over TCP segments and several frames per segment need TCP's
-- "Allow subdissector to reassemble TCP streams" (tcp.desegment_tcp_streams,
-- on by default).
--
-- Display filter examples: rbs.msgtype == 5 (Update), rbs.key.group ==
-- 239.1.1.1, rbs.key.group_v6 == ff0e::1234, rbs.role.forwarding,
-- rbs.bye.stopping, rbs.trailer.key_id == 7, rbs.malformed, rbs.seq > 100.
-- `tshark -G fields -X lua_script:wireshark/rbs.lua | grep rbs\.` lists all.

local rbs = Proto("rbs", "RBS channel (mldsync)")

local FRAME_MAX = 65536 -- hard maximum of the length field
local TRAILER_LEN = 20 -- key id + MAC
local MAC_LEN = 16

local band, bor, lshift, rshift = bit32.band, bit32.bor, bit32.lshift, bit32.rshift

------------------------------------------------------------------------
-- value strings (msync.proto)

local frame_types = { [0] = "None", [1] = "Hello", [16] = "Envelope" }
local auth_types = { [0] = "none", [1] = "hmac-sha256" }
local svc_types = { [0] = "none", [1] = "igmp", [2] = "mld" }
local filter_modes = { [0] = "none", [1] = "include", [2] = "exclude" }
local roles = { [0] = "unknown", [1] = "master", [2] = "backup" }
local body_names = {
	[2] = "Keepalive", [3] = "ResyncBegin", [4] = "ResyncEnd", [5] = "Update",
	[6] = "Delete", [7] = "Ack", [8] = "Digest", [9] = "ResyncRequest",
	[10] = "RoleReport", [11] = "Auth", [12] = "Offers", [13] = "Probe",
	[14] = "ProbeReply", [15] = "Bye",
}
local wire_names = { [0] = "varint", [1] = "fixed64", [2] = "length-delimited",
	[3] = "start-group", [4] = "end-group", [5] = "fixed32" }

------------------------------------------------------------------------
-- fields

local f = {}
-- frame
f.length = ProtoField.uint32("rbs.length", "Length", base.DEC, nil, nil,
	"counts the type byte and the payload")
f.type = ProtoField.uint8("rbs.type", "Type", base.DEC, frame_types)
f.payload = ProtoField.bytes("rbs.payload", "Payload")
-- Hello
f.hello = ProtoField.none("rbs.hello", "Hello")
f.version = ProtoField.uint32("rbs.version", "Version")
f.router_id = ProtoField.ipv4("rbs.hello.router_id", "Router ID")
f.router_id_v6 = ProtoField.ipv6("rbs.hello.router_id_v6", "Router ID")
f.router_id_raw = ProtoField.bytes("rbs.hello.router_id_raw", "Router ID (neither 4 nor 16 bytes)")
f.service = ProtoField.string("rbs.hello.service", "Service")
f.incarnation = ProtoField.uint64("rbs.hello.incarnation", "Incarnation", base.HEX)
f.keepalive_ms = ProtoField.uint32("rbs.hello.keepalive_ms", "Keepalive (ms)")
f.hold_ms = ProtoField.uint32("rbs.hello.hold_ms", "Hold (ms)")
f.nonce = ProtoField.bytes("rbs.hello.nonce", "Nonce")
f.auth = ProtoField.uint32("rbs.hello.auth", "Authentication", base.DEC, auth_types)
-- Offer (Hello v1, Offers)
f.offer = ProtoField.none("rbs.offer", "Offer")
f.offer_backup_id = ProtoField.uint32("rbs.offer.backup_id", "Backup ID")
f.offer_svc = ProtoField.uint32("rbs.offer.svc", "Service type", base.DEC, svc_types)
-- Envelope
f.envelope = ProtoField.none("rbs.envelope", "Envelope")
f.envelope_len = ProtoField.uint32("rbs.envelope.length", "Envelope length")
f.seq = ProtoField.uint64("rbs.seq", "Sequence number")
f.msgtype = ProtoField.uint32("rbs.msgtype", "Message type", base.DEC, body_names,
	nil, "the Envelope body that is set (its field number)")
f.keepalive = ProtoField.none("rbs.keepalive", "Keepalive")
f.resync_begin = ProtoField.none("rbs.resync_begin", "ResyncBegin")
f.resync_end = ProtoField.none("rbs.resync_end", "ResyncEnd")
f.update = ProtoField.none("rbs.update", "Update")
f.delete = ProtoField.none("rbs.delete", "Delete")
f.ack = ProtoField.none("rbs.ack", "Ack")
f.digest = ProtoField.none("rbs.digest", "Digest")
f.resync_request = ProtoField.none("rbs.resync_request", "ResyncRequest")
f.role_report = ProtoField.none("rbs.role_report", "RoleReport")
f.auth_body = ProtoField.none("rbs.auth", "Auth")
f.offers = ProtoField.none("rbs.offers", "Offers")
f.probe = ProtoField.none("rbs.probe", "Probe")
f.probe_reply = ProtoField.none("rbs.probe_reply", "ProbeReply")
f.bye = ProtoField.none("rbs.bye", "Bye")
-- ResyncBegin / ResyncEnd
f.generation = ProtoField.uint64("rbs.resync.generation", "Generation")
f.resync_count = ProtoField.uint64("rbs.resync.count", "Count")
-- Update / Delete
f.entry_count = ProtoField.uint32("rbs.update.entry_count", "Entries")
f.key_count = ProtoField.uint32("rbs.delete.key_count", "Keys")
f.entry = ProtoField.none("rbs.entry", "Entry")
f.entry_filter = ProtoField.uint32("rbs.entry.filter", "Filter mode", base.DEC, filter_modes)
f.entry_version = ProtoField.uint32("rbs.entry.version", "Version")
f.entry_timer = ProtoField.uint32("rbs.entry.timer_ms", "Timer (ms)", base.DEC, nil, nil,
	"remaining time, 0: does not expire")
f.entry_origin_role = ProtoField.uint32("rbs.entry.origin_role", "Origin role", base.DEC, roles)
f.entry_restored = ProtoField.bool("rbs.entry.restored", "Restored")
f.key = ProtoField.none("rbs.key", "Key")
f.key_backup_id = ProtoField.uint32("rbs.key.backup_id", "Backup ID")
f.key_svc = ProtoField.uint32("rbs.key.svc", "Service type", base.DEC, svc_types)
f.key_ifname = ProtoField.string("rbs.key.ifname", "Interface")
f.key_group = ProtoField.ipv4("rbs.key.group", "Group")
f.key_group_v6 = ProtoField.ipv6("rbs.key.group_v6", "Group")
f.key_group_raw = ProtoField.bytes("rbs.key.group_raw", "Group (neither 4 nor 16 bytes)")
f.key_source = ProtoField.ipv4("rbs.key.source", "Source")
f.key_source_v6 = ProtoField.ipv6("rbs.key.source_v6", "Source")
f.key_source_raw = ProtoField.bytes("rbs.key.source_raw", "Source (neither 4 nor 16 bytes)")
-- Ack
f.ack_seq = ProtoField.uint64("rbs.ack.seq", "Acknowledged sequence number")
-- Digest
f.digest_item = ProtoField.none("rbs.digest.item", "Digest item")
f.digest_backup_id = ProtoField.uint32("rbs.digest.backup_id", "Backup ID")
f.digest_count = ProtoField.uint64("rbs.digest.count", "Count")
f.digest_sum = ProtoField.uint64("rbs.digest.sum", "Sum", base.HEX)
-- ResyncRequest
f.resync_reason = ProtoField.string("rbs.resync_request.reason", "Reason")
-- RoleReport
f.role_item = ProtoField.none("rbs.role.item", "Role item")
f.role_backup_id = ProtoField.uint32("rbs.role.backup_id", "Backup ID")
f.role_role = ProtoField.uint32("rbs.role.role", "Role", base.DEC, roles)
f.role_able = ProtoField.bool("rbs.role.able", "Able")
f.role_forwarding = ProtoField.bool("rbs.role.forwarding", "Forwarding")
f.role_released = ProtoField.bool("rbs.role.released", "Released")
f.role_synced = ProtoField.bool("rbs.role.synced", "Synced")
f.role_priority = ProtoField.uint32("rbs.role.priority", "Priority", base.DEC, nil, nil,
	"VRRP effective priority, 0 unknown")
f.role_ask = ProtoField.bool("rbs.role.ask", "Ask")
-- Probe / ProbeReply
f.probe_id = ProtoField.uint64("rbs.probe.id", "Probe ID")
f.probe_reply_id = ProtoField.uint64("rbs.probe_reply.id", "Probe ID")
-- Bye
f.bye_reason = ProtoField.string("rbs.bye.reason", "Reason")
f.bye_stopping = ProtoField.bool("rbs.bye.stopping", "Stopping")
-- trailer
f.trailer = ProtoField.none("rbs.trailer", "Authentication trailer")
f.trailer_key_id = ProtoField.uint32("rbs.trailer.key_id", "Key ID")
f.trailer_mac = ProtoField.bytes("rbs.trailer.mac", "MAC")
f.trailer_basis = ProtoField.string("rbs.trailer.basis", "Trailer",
	"whether the Envelope carries the trailer, and from what that is known")
-- unknown protobuf fields
f.unknown = ProtoField.uint32("rbs.unknown.field", "Unknown field")
f.unknown_wire_type = ProtoField.uint8("rbs.unknown.wire_type", "Wire type", base.DEC, wire_names)
f.unknown_value = ProtoField.bytes("rbs.unknown.value", "Value")
f.bad_wire_type = ProtoField.uint32("rbs.bad_wire_type", "Field with a wrong wire type")
f.data = ProtoField.bytes("rbs.data", "Data")

local field_list = {}
for _, v in pairs(f) do field_list[#field_list + 1] = v end
rbs.fields = field_list

local ef = {
	malformed = ProtoExpert.new("rbs.malformed", "malformed",
		expert.group.MALFORMED, expert.severity.ERROR),
	framing = ProtoExpert.new("rbs.framing_error", "framing error",
		expert.group.MALFORMED, expert.severity.ERROR),
	unknown_type = ProtoExpert.new("rbs.unknown_type", "unknown frame type",
		expert.group.PROTOCOL, expert.severity.WARN),
	missing = ProtoExpert.new("rbs.missing_field", "missing field",
		expert.group.PROTOCOL, expert.severity.WARN),
	bad_family = ProtoExpert.new("rbs.bad_family", "address length does not match the service type",
		expert.group.PROTOCOL, expert.severity.WARN),
	trailer_guess = ProtoExpert.new("rbs.trailer_guessed", "trailer presence guessed",
		expert.group.ASSUMPTION, expert.severity.NOTE),
	incomplete = ProtoExpert.new("rbs.incomplete", "incomplete frame",
		expert.group.REASSEMBLE, expert.severity.WARN),
	stream_lost = ProtoExpert.new("rbs.stream_lost", "stream lost after a framing error",
		expert.group.SEQUENCE, expert.severity.WARN),
}
rbs.experts = { ef.malformed, ef.framing, ef.unknown_type, ef.missing, ef.bad_family,
	ef.trailer_guess, ef.incomplete, ef.stream_lost }

------------------------------------------------------------------------
-- preferences

rbs.prefs.tcp_ports = Pref.range("TCP ports", "2100-2101",
	"TCP ports of the RBS channel (IGMP channel: the service's port, MLD channel: port + 1)",
	65535)
rbs.prefs.heuristic = Pref.bool("Heuristic on TCP", true,
	"Recognise a TCP connection on any port whose first frame is a Hello")
local TRAILER_AUTO, TRAILER_ALWAYS, TRAILER_NEVER = 0, 1, 2
rbs.prefs.trailer = Pref.enum("Authentication trailer", TRAILER_AUTO,
	"Whether Envelope frames carry the key id + MAC trailer: auto (from the Hellos, else guessed), always or never",
	{ { 1, "auto", TRAILER_AUTO }, { 2, "always", TRAILER_ALWAYS }, { 3, "never", TRAILER_NEVER } },
	false)

local tcp_port_table = DissectorTable.get("tcp.port")
local registered_ports = ""

local function register_ports()
	local ports = rbs.prefs.tcp_ports or ""
	if ports == registered_ports then return end
	if registered_ports ~= "" then tcp_port_table:remove(registered_ports, rbs) end
	if ports ~= "" then tcp_port_table:add(ports, rbs) end
	registered_ports = ports
end

function rbs.prefs_changed()
	register_ports()
end

------------------------------------------------------------------------
-- protobuf decoding (on a Lua string of the frame's bytes, 0-based offsets)

-- Returns lo, hi (32-bit halves), number of bytes; or nil, message.
local function read_varint(bytes, pos, stop)
	local lo, hi = 0, 0
	for i = 0, 9 do
		if pos + i >= stop then return nil, "truncated varint" end
		local b = bytes:byte(pos + i + 1)
		local v = band(b, 0x7f)
		local s = 7 * i
		if s < 32 then
			lo = bor(lo, lshift(v, s))
			if s + 7 > 32 then hi = bor(hi, rshift(v, 32 - s)) end
		else
			hi = bor(hi, lshift(v, s - 32))
		end
		if b < 0x80 then return lo, hi, i + 1 end
	end
	return nil, "varint longer than 10 bytes"
end

-- Splits [off, off+len) into fields.  Returns the list and nil, or the
-- fields decoded so far and an error {off, len, msg}.
local function pb_parse(bytes, off, len)
	local fields = {}
	local pos, stop = off, off + len
	while pos < stop do
		local start = pos
		local tlo, thi, n = read_varint(bytes, pos, stop)
		if not tlo then
			return fields, { off = pos, len = stop - pos, msg = thi .. " (field tag)" }
		end
		pos = pos + n
		local wt = band(tlo, 7)
		local num = rshift(tlo, 3)
		if thi ~= 0 or num == 0 then
			return fields, { off = start, len = stop - start,
				msg = "invalid field number " .. (thi ~= 0 and "(too big)" or "0") }
		end
		local fl = { num = num, wt = wt, start = start }
		if wt == 0 then
			local lo, hi, m = read_varint(bytes, pos, stop)
			if not lo then
				return fields, { off = start, len = stop - start,
					msg = string.format("field %d: %s", num, hi) }
			end
			fl.lo, fl.hi, fl.voff, fl.vlen = lo, hi, pos, m
			pos = pos + m
		elseif wt == 1 or wt == 5 then
			local size = wt == 1 and 8 or 4
			if pos + size > stop then
				return fields, { off = start, len = stop - start,
					msg = string.format("field %d: fixed%d past the end (%d bytes left)",
						num, size * 8, stop - pos) }
			end
			fl.voff, fl.vlen = pos, size
			pos = pos + size
		elseif wt == 2 then
			local lo, hi, m = read_varint(bytes, pos, stop)
			if not lo then
				return fields, { off = start, len = stop - start,
					msg = string.format("field %d: %s (length)", num, hi) }
			end
			pos = pos + m
			if hi ~= 0 or lo > stop - pos then
				return fields, { off = start, len = stop - start,
					msg = string.format("field %d: length %s past the end (%d bytes left)",
						num, tostring(UInt64.new(lo, hi)), stop - pos) }
			end
			fl.voff, fl.vlen = pos, lo
			pos = pos + lo
		else
			return fields, { off = start, len = stop - start,
				msg = string.format("field %d: invalid wire type %d", num, wt) }
		end
		fl.len = pos - start
		fields[#fields + 1] = fl
	end
	return fields, nil
end

------------------------------------------------------------------------
-- schema (msync.proto): field number -> { name, kind, pf, msg, rep }
-- kinds: u32 (uint32 and enums), u64, bool, fixed64, string, bytes,
--        addr (4 or 16 bytes, by the message's svc field / the length), msg

local WT = { u32 = 0, u64 = 0, bool = 0, fixed64 = 1, string = 2, bytes = 2, addr = 2, msg = 2 }

local S = {}
S.Offer = {
	[1] = { name = "backup_id", kind = "u32", pf = f.offer_backup_id },
	[2] = { name = "svc", kind = "u32", pf = f.offer_svc },
}
S.Hello = {
	[1] = { name = "version", kind = "u32", pf = f.version },
	[2] = { name = "router_id", kind = "addr", pf = f.router_id, pf6 = f.router_id_v6, pfraw = f.router_id_raw },
	[3] = { name = "service", kind = "string", pf = f.service },
	[4] = { name = "offers", kind = "msg", pf = f.offer, msg = "Offer", rep = true },
	[5] = { name = "incarnation", kind = "fixed64", pf = f.incarnation },
	[6] = { name = "keepalive_ms", kind = "u32", pf = f.keepalive_ms },
	[7] = { name = "hold_ms", kind = "u32", pf = f.hold_ms },
	[8] = { name = "nonce", kind = "bytes", pf = f.nonce },
	[9] = { name = "auth", kind = "u32", pf = f.auth },
}
S.Empty = {}
S.Offers = { [1] = { name = "offers", kind = "msg", pf = f.offer, msg = "Offer", rep = true } }
S.ResyncBegin = { [2] = { name = "generation", kind = "u64", pf = f.generation } }
S.ResyncEnd = {
	[2] = { name = "generation", kind = "u64", pf = f.generation },
	[3] = { name = "count", kind = "u64", pf = f.resync_count },
}
S.Key = {
	[1] = { name = "backup_id", kind = "u32", pf = f.key_backup_id },
	[2] = { name = "svc", kind = "u32", pf = f.key_svc },
	[3] = { name = "ifname", kind = "string", pf = f.key_ifname },
	[4] = { name = "group", kind = "addr", pf = f.key_group, pf6 = f.key_group_v6, pfraw = f.key_group_raw },
	[5] = { name = "source", kind = "addr", pf = f.key_source, pf6 = f.key_source_v6, pfraw = f.key_source_raw },
	svc_field = 2,
}
S.Entry = {
	[1] = { name = "key", kind = "msg", pf = f.key, msg = "Key" },
	[2] = { name = "filter", kind = "u32", pf = f.entry_filter },
	[3] = { name = "version", kind = "u32", pf = f.entry_version },
	[4] = { name = "timer_ms", kind = "u32", pf = f.entry_timer },
	[5] = { name = "origin_role", kind = "u32", pf = f.entry_origin_role },
	[6] = { name = "restored", kind = "bool", pf = f.entry_restored },
}
S.Update = { [2] = { name = "entries", kind = "msg", pf = f.entry, msg = "Entry", rep = true } }
S.Delete = { [2] = { name = "keys", kind = "msg", pf = f.key, msg = "Key", rep = true } }
S.Ack = { [1] = { name = "seq", kind = "u64", pf = f.ack_seq } }
S.DigestItem = {
	[1] = { name = "backup_id", kind = "u32", pf = f.digest_backup_id },
	[2] = { name = "count", kind = "u64", pf = f.digest_count },
	[3] = { name = "sum", kind = "fixed64", pf = f.digest_sum },
}
S.Digest = { [1] = { name = "items", kind = "msg", pf = f.digest_item, msg = "DigestItem", rep = true } }
S.ResyncRequest = { [1] = { name = "reason", kind = "string", pf = f.resync_reason } }
S.RoleItem = {
	[1] = { name = "backup_id", kind = "u32", pf = f.role_backup_id },
	[2] = { name = "role", kind = "u32", pf = f.role_role },
	[3] = { name = "able", kind = "bool", pf = f.role_able },
	[4] = { name = "forwarding", kind = "bool", pf = f.role_forwarding },
	[5] = { name = "released", kind = "bool", pf = f.role_released },
	[6] = { name = "synced", kind = "bool", pf = f.role_synced },
	[7] = { name = "priority", kind = "u32", pf = f.role_priority },
}
S.RoleReport = {
	[1] = { name = "items", kind = "msg", pf = f.role_item, msg = "RoleItem", rep = true },
	[2] = { name = "ask", kind = "bool", pf = f.role_ask },
}
S.Probe = { [1] = { name = "id", kind = "u64", pf = f.probe_id } }
S.ProbeReply = { [1] = { name = "id", kind = "u64", pf = f.probe_reply_id } }
S.Bye = {
	[1] = { name = "reason", kind = "string", pf = f.bye_reason },
	[2] = { name = "stopping", kind = "bool", pf = f.bye_stopping },
}
S.Envelope = {
	[1] = { name = "seq", kind = "u64", pf = f.seq },
	[2] = { name = "keepalive", kind = "msg", pf = f.keepalive, msg = "Empty", body = true },
	[3] = { name = "resync_begin", kind = "msg", pf = f.resync_begin, msg = "ResyncBegin", body = true },
	[4] = { name = "resync_end", kind = "msg", pf = f.resync_end, msg = "ResyncEnd", body = true },
	[5] = { name = "update", kind = "msg", pf = f.update, msg = "Update", body = true },
	[6] = { name = "delete", kind = "msg", pf = f.delete, msg = "Delete", body = true },
	[7] = { name = "ack", kind = "msg", pf = f.ack, msg = "Ack", body = true },
	[8] = { name = "digest", kind = "msg", pf = f.digest, msg = "Digest", body = true },
	[9] = { name = "resync_request", kind = "msg", pf = f.resync_request, msg = "ResyncRequest", body = true },
	[10] = { name = "role", kind = "msg", pf = f.role_report, msg = "RoleReport", body = true },
	[11] = { name = "auth", kind = "msg", pf = f.auth_body, msg = "Empty", body = true },
	[12] = { name = "offers", kind = "msg", pf = f.offers, msg = "Offers", body = true },
	[13] = { name = "probe", kind = "msg", pf = f.probe, msg = "Probe", body = true },
	[14] = { name = "probe_reply", kind = "msg", pf = f.probe_reply, msg = "ProbeReply", body = true },
	[15] = { name = "bye", kind = "msg", pf = f.bye, msg = "Bye", body = true },
}

-- Strict check, no tree: every field known with its wire type, nested
-- messages too, nothing left over.  Used to guess the trailer.
local function pb_strict(bytes, off, len, sname)
	local fields, err = pb_parse(bytes, off, len)
	if err then return false end
	local schema = S[sname]
	for _, fl in ipairs(fields) do
		local spec = schema[fl.num]
		if not spec or WT[spec.kind] ~= fl.wt then return false end
		if spec.kind == "msg" and not pb_strict(bytes, fl.voff, fl.vlen, spec.msg) then
			return false
		end
	end
	return true, fields
end

local function envelope_strict(bytes, off, len)
	local ok, fields = pb_strict(bytes, off, len, "Envelope")
	if not ok then return false end
	local seq, bodies = false, 0
	for _, fl in ipairs(fields) do
		if fl.num == 1 then seq = true else bodies = bodies + 1 end
	end
	return seq and bodies == 1
end

------------------------------------------------------------------------
-- rendering: decodes message sname at [off, off+len) of tvb into tree.
-- Returns a table of values by field name (repeated: a list; messages:
-- their value tables), with .malformed set when anything was malformed.

local function add_addr(ctx, tree, tvb, fl, spec, svc)
	local item
	if fl.vlen == 4 then
		item = tree:add(spec.pf, tvb(fl.voff, 4))
	elseif fl.vlen == 16 then
		item = tree:add(spec.pf6, tvb(fl.voff, 16))
	elseif fl.vlen > 0 then
		item = tree:add(spec.pfraw, tvb(fl.voff, fl.vlen))
	else
		item = tree:add(spec.pfraw, tvb(fl.voff, 0)):set_text(spec.name .. ": (empty)")
	end
	local want = (svc == 1 and 4) or (svc == 2 and 16) or nil
	if (want and fl.vlen ~= want) or (not want and fl.vlen ~= 4 and fl.vlen ~= 16) then
		item:add_proto_expert_info(ef.bad_family, string.format(
			"%s: %d-byte address%s", spec.name, fl.vlen,
			svc and (", service type " .. (svc_types[svc] or tostring(svc))) or ""))
	end
	local s
	if fl.vlen == 4 then
		s = tostring(tvb(fl.voff, 4):ipv4())
	elseif fl.vlen == 16 then
		s = tostring(tvb(fl.voff, 16):ipv6())
	else
		s = "?"
	end
	return s
end

-- Peer bytes as mldsync logs them (msync_sanitize): printable ASCII
-- except '\' and '"' as is, any other byte as \xNN.  Always valid UTF-8.
local function sanitize(raw)
	return (raw:gsub(".", function(c)
		local b = c:byte()
		if b < 32 or b > 126 or b == 34 or b == 92 then
			return string.format("\\x%02x", b)
		end
	end))
end

local SUMMARY = {} -- message name -> function(values): text of its subtree
local render

render = function(ctx, tree, tvb, off, len, sname)
	local schema = S[sname]
	local vals = { _present = {} }
	local fields, err = pb_parse(ctx.bytes, off, len)
	local svc
	if schema.svc_field then
		for _, fl in ipairs(fields) do
			if fl.num == schema.svc_field and fl.wt == 0 then svc = fl.lo end
		end
	end
	for _, fl in ipairs(fields) do
		local spec = schema[fl.num]
		local range = tvb(fl.start, fl.len)
		if not spec then
			local it = tree:add(f.unknown, range, fl.num)
			it:set_text(string.format("unknown field %d wire type %d", fl.num, fl.wt))
			it:add(f.unknown_wire_type, range, fl.wt)
			if fl.vlen > 0 then it:add(f.unknown_value, tvb(fl.voff, fl.vlen)) end
		elseif WT[spec.kind] ~= fl.wt then
			local it = tree:add(f.bad_wire_type, range, fl.num)
			it:set_text(string.format("field %d (%s) with wire type %d", fl.num, spec.name, fl.wt))
			it:add_proto_expert_info(ef.malformed, string.format(
				"malformed: field %d (%s) has wire type %d (%s), expected %d",
				fl.num, spec.name, fl.wt, wire_names[fl.wt] or "?", WT[spec.kind]))
			vals.malformed = true
		else
			local v
			local k = spec.kind
			if k == "u32" then
				v = fl.lo
				tree:add(spec.pf, range, v)
			elseif k == "u64" then
				v = UInt64.new(fl.lo, fl.hi)
				tree:add(spec.pf, range, v)
			elseif k == "bool" then
				v = (fl.lo ~= 0 or fl.hi ~= 0)
				tree:add(spec.pf, range, v)
			elseif k == "fixed64" then
				v = tvb(fl.voff, 8):le_uint64()
				tree:add(spec.pf, range, v)
			elseif k == "string" then
				v = sanitize(ctx.bytes:sub(fl.voff + 1, fl.voff + fl.vlen))
				tree:add(spec.pf, range, v)
			elseif k == "bytes" then
				if fl.vlen > 0 then
					tree:add(spec.pf, tvb(fl.voff, fl.vlen))
					v = tvb(fl.voff, fl.vlen):bytes()
				else
					tree:add(spec.pf, tvb(fl.voff, 0)):set_text(spec.name .. ": (empty)")
					v = ByteArray.new()
				end
			elseif k == "addr" then
				v = add_addr(ctx, tree, tvb, fl, spec, svc)
			elseif k == "msg" then
				local sub = tree:add(spec.pf, range)
				v = render(ctx, sub, tvb, fl.voff, fl.vlen, spec.msg)
				v._item = sub
				if SUMMARY[spec.msg] and not v.malformed then
					sub:append_text(": " .. SUMMARY[spec.msg](v))
				end
				if v.malformed then vals.malformed = true end
			end
			if spec.rep then
				vals[spec.name] = vals[spec.name] or {}
				table.insert(vals[spec.name], v)
			else
				vals[spec.name] = v
			end
			vals._present[fl.num] = true
			if spec.body then vals._body = fl.num end
		end
	end
	if err then
		tree:add_tvb_expert_info(ef.malformed, tvb(err.off, err.len), "malformed: " .. err.msg)
		vals.malformed = true
	end
	return vals
end

------------------------------------------------------------------------
-- per TCP stream and direction: the Hello's auth, framing errors

local tcp_stream_f = Field.new("tcp.stream")
local streams = {}

function rbs.init()
	streams = {}
end

local function dir_state(pinfo)
	local fi = tcp_stream_f()
	local sid = fi and tostring(fi.value) or
		(tostring(pinfo.src) .. ":" .. pinfo.src_port .. "-" .. tostring(pinfo.dst) .. ":" .. pinfo.dst_port)
	local st = streams[sid]
	if not st then
		st = {}
		streams[sid] = st
	end
	local me = tostring(pinfo.src) .. "/" .. pinfo.src_port
	local peer = tostring(pinfo.dst) .. "/" .. pinfo.dst_port
	st[me] = st[me] or {}
	st[peer] = st[peer] or {}
	return st[me], st[peer]
end

------------------------------------------------------------------------
-- Info texts

local function plural(n, one, many)
	return string.format("%d %s", n, n == 1 and one or many)
end

local function q(s)
	return '"' .. tostring(s) .. '"'
end

local function role_text(it)
	local t = { "backup-id " .. tostring(it.backup_id or "?"),
		roles[it.role or 0] or tostring(it.role) }
	for _, flag in ipairs({ "able", "forwarding", "released", "synced" }) do
		if it[flag] then t[#t + 1] = flag end
	end
	if it.priority then t[#t + 1] = "priority " .. it.priority end
	return table.concat(t, " ")
end

local function offers_text(list)
	local t = {}
	for _, o in ipairs(list or {}) do
		t[#t + 1] = tostring(o.backup_id or "?") .. " " .. (svc_types[o.svc or 0] or tostring(o.svc))
	end
	return table.concat(t, ", ")
end

local function key_text(k)
	return string.format("backup-id %s %s (%s, %s)", tostring(k.backup_id or "?"),
		k.ifname or "?", k.source or "*", k.group or "?")
end

SUMMARY.Key = key_text
SUMMARY.Entry = function(e)
	local t = { e.key and key_text(e.key) or "no key" }
	if e.filter then t[#t + 1] = filter_modes[e.filter] or tostring(e.filter) end
	if e.version then t[#t + 1] = "v" .. e.version end
	if e.timer_ms then t[#t + 1] = e.timer_ms .. " ms" end
	if e.restored then t[#t + 1] = "restored" end
	return table.concat(t, " ")
end
SUMMARY.RoleItem = role_text
SUMMARY.Offer = function(o)
	return tostring(o.backup_id or "?") .. " " .. (svc_types[o.svc or 0] or tostring(o.svc))
end
SUMMARY.DigestItem = function(d)
	return string.format("backup-id %s count %s", tostring(d.backup_id or "?"), tostring(d.count or "?"))
end

local function body_info(num, b)
	if num == 3 then
		return "generation " .. tostring(b.generation or "?")
	elseif num == 4 then
		return "generation " .. tostring(b.generation or "?") ..
			(b.count and (" count " .. tostring(b.count)) or "")
	elseif num == 5 then
		return plural(#(b.entries or {}), "entry", "entries")
	elseif num == 6 then
		return plural(#(b.keys or {}), "key", "keys")
	elseif num == 7 then
		return "up to seq " .. tostring(b.seq or "?")
	elseif num == 8 then
		return plural(#(b.items or {}), "item", "items")
	elseif num == 9 then
		return b.reason and ("reason " .. q(b.reason)) or nil
	elseif num == 10 then
		local t = {}
		for _, it in ipairs(b.items or {}) do t[#t + 1] = role_text(it) end
		local s = table.concat(t, "; ")
		if b.ask then s = s .. (s ~= "" and " " or "") .. "(ask)" end
		return s ~= "" and s or nil
	elseif num == 12 then
		local s = offers_text(b.offers)
		return s ~= "" and s or nil
	elseif num == 13 or num == 14 then
		return "id " .. tostring(b.id or "?")
	elseif num == 15 then
		local t = {}
		if b.reason then t[#t + 1] = "reason " .. q(b.reason) end
		if b.stopping then t[#t + 1] = "stopping" end
		return #t > 0 and table.concat(t, " ") or nil
	end
	return nil
end

------------------------------------------------------------------------
-- one whole frame (tvb holds exactly length + 4 bytes)

local function dissect_hello(ctx, tvb, pinfo, ftree, plen, me)
	local ht = ftree:add(f.hello, tvb(5, plen))
	local v = render(ctx, ht, tvb, 5, plen, "Hello")
	for _, req in ipairs({ { 1, "version" }, { 3, "service" }, { 5, "incarnation" }, { 8, "nonce" } }) do
		if not v.malformed and not v._present[req[1]] then
			ht:add_proto_expert_info(ef.missing, "missing field: hello " .. req[2])
		end
	end
	-- remember this direction's authentication mode (the first Hello;
	-- not gated on pinfo.visited: tshark -2 runs the init routine again
	-- before its second pass)
	if me.auth == nil then
		me.auth = v.auth or 0
	end
	local info = "Hello v" .. tostring(v.version or "?") .. " auth " ..
		(auth_types[v.auth or 0] or tostring(v.auth))
	if v.service then info = info .. " service " .. v.service end
	if v.malformed then info = info .. " [malformed]" end
	ftree:append_text(", Hello")
	return info
end

local function decide_trailer(ctx, plen, me, peer)
	local pref = rbs.prefs.trailer
	if pref == TRAILER_ALWAYS then return true, "present, by preference (always)", false end
	if pref == TRAILER_NEVER then return false, "absent, by preference (never)", false end
	if me.auth ~= nil then
		return me.auth ~= 0, (me.auth ~= 0 and "present" or "absent") ..
			", from this direction's Hello (auth " ..
			(auth_types[me.auth] or tostring(me.auth)) .. ")", false
	end
	if peer.auth ~= nil then
		return peer.auth ~= 0, (peer.auth ~= 0 and "present" or "absent") ..
			", from the other direction's Hello (auth " ..
			(auth_types[peer.auth] or tostring(peer.auth)) .. ")", false
	end
	if envelope_strict(ctx.bytes, 5, plen) then
		return false, "absent, guessed (no Hello seen): the payload is one Envelope", true
	end
	if plen >= TRAILER_LEN and envelope_strict(ctx.bytes, 5, plen - TRAILER_LEN) then
		return true, "present, guessed (no Hello seen): an Envelope and 20 bytes", true
	end
	return false, "absent, guessed (no Hello seen): undecodable either way", true
end

local function dissect_envelope(ctx, tvb, pinfo, ftree, plen, me, peer)
	local sealed, basis, guessed = decide_trailer(ctx, plen, me, peer)
	local elen = plen
	local short = false
	if sealed then
		if plen < TRAILER_LEN then
			short = true
		else
			elen = plen - TRAILER_LEN
		end
	end
	local et
	if elen > 0 then
		et = ftree:add(f.envelope, tvb(5, elen))
	else
		et = ftree:add(f.envelope, tvb(4, 1)):set_text("Envelope (empty)")
	end
	et:add(f.envelope_len, elen):set_generated()
	local v = render(ctx, et, tvb, 5, elen, "Envelope")
	local body = v._body
	if body then
		et:add(f.msgtype, body):set_generated()
		et:append_text(": " .. body_names[body])
	end
	if body == 5 then
		v.update._item:add(f.entry_count, #(v.update.entries or {})):set_generated()
	elseif body == 6 then
		v.delete._item:add(f.key_count, #(v.delete.keys or {})):set_generated()
	end
	-- what a malformed Envelope lacks is no news
	if not v.malformed and not v._present[1] then
		et:add_proto_expert_info(ef.missing, "missing field: envelope seq")
	end
	if not v.malformed and not body then
		et:add_proto_expert_info(ef.missing, "Envelope without a known body (unknown-type)")
	end
	local tail = ""
	if sealed and not short then
		local toff = 5 + elen
		local tt = ftree:add(f.trailer, tvb(toff, TRAILER_LEN))
		tt:add(f.trailer_key_id, tvb(toff, 4))
		tt:add(f.trailer_mac, tvb(toff + 4, MAC_LEN))
		local bi = tt:add(f.trailer_basis, basis):set_generated()
		if guessed then bi:add_proto_expert_info(ef.trailer_guess, "trailer " .. basis) end
		tail = " [key " .. tvb(toff, 4):uint() .. "]"
	else
		local bi = ftree:add(f.trailer_basis, basis):set_generated()
		if short then
			bi:add_proto_expert_info(ef.malformed, string.format(
				"malformed: %d-byte payload too short for the %d-byte trailer", plen, TRAILER_LEN))
			v.malformed = true
		end
		if guessed then bi:add_proto_expert_info(ef.trailer_guess, "trailer " .. basis) end
	end
	local name = body and body_names[body] or "Envelope"
	local info = name .. " seq " .. tostring(v.seq or "?")
	if body then
		local detail = body_info(body, v[S.Envelope[body].name])
		if detail then info = info .. ": " .. detail end
	end
	if v.malformed then info = info .. " [malformed]" end
	ftree:append_text(", " .. name)
	return info .. tail
end

local function dissect_frame(tvb, pinfo, tree, me, peer)
	local flen = tvb(0, 4):uint()
	local ftype = tvb(4, 1):uint()
	local plen = flen - 1
	local ftree = tree:add(rbs, tvb())
	ftree:add(f.length, tvb(0, 4))
	ftree:add(f.type, tvb(4, 1))
	local ctx = { bytes = tvb:raw(0, tvb:len()) }
	if ftype == 1 then
		return dissect_hello(ctx, tvb, pinfo, ftree, plen, me)
	elseif ftype == 16 then
		return dissect_envelope(ctx, tvb, pinfo, ftree, plen, me, peer)
	end
	if plen > 0 then ftree:add(f.payload, tvb(5, plen)) end
	ftree:add_proto_expert_info(ef.unknown_type, "unknown frame type " .. ftype)
	ftree:append_text(", unknown type " .. ftype)
	return "Unknown frame type " .. ftype
end

------------------------------------------------------------------------
-- the TCP stream: frames split over segments, several per segment

local info_pkt, info_text -- Info column of the packet being dissected

local function set_info(pinfo, parts)
	if #parts == 0 then return end
	local text = table.concat(parts, ", ")
	if info_pkt == pinfo.number and tostring(pinfo.cols.info) == info_text then
		-- a second call for the same packet: the frames after a reassembled
		-- one (TCP has fenced the column after the first call)
		pinfo.cols.info:append(", " .. text)
	else
		pinfo.cols.info:set(text)
	end
	info_pkt, info_text = pinfo.number, tostring(pinfo.cols.info)
end

function rbs.dissector(tvb, pinfo, tree)
	local total = tvb:len()
	if total == 0 then return 0 end
	pinfo.cols.protocol = "RBS"
	local me, peer = dir_state(pinfo)
	local parts = {}

	if me.lost_at and (pinfo.number > me.lost_at) then
		local it = tree:add(rbs, tvb()):append_text(", stream lost")
		it:add(f.data, tvb())
		it:add_proto_expert_info(ef.stream_lost, string.format(
			"stream lost: framing error in packet %d of this direction", me.lost_at))
		set_info(pinfo, { "Data after a framing error" })
		return total
	end

	local off = 0
	while off < total do
		local rem = total - off
		if rem < 4 then
			if pinfo.can_desegment > 0 then
				pinfo.desegment_offset = off
				pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
				break
			end
			local it = tree:add(rbs, tvb(off, rem)):append_text(", incomplete frame header")
			it:add_proto_expert_info(ef.incomplete, "incomplete frame header (reassembly off?)")
			parts[#parts + 1] = "Incomplete frame"
			break
		end
		local flen = tvb(off, 4):uint()
		if flen == 0 or flen > FRAME_MAX then
			local it = tree:add(rbs, tvb(off, rem)):append_text(", framing error")
			it:add(f.length, tvb(off, 4))
			if rem > 4 then it:add(f.data, tvb(off + 4, rem - 4)) end
			it:add_proto_expert_info(ef.framing, string.format(
				"framing error: length %d (%s): the stream cannot be re-synchronised",
				flen, flen == 0 and "zero-length" or "oversize, max 65536"))
			if not me.lost_at or pinfo.number < me.lost_at then me.lost_at = pinfo.number end
			parts[#parts + 1] = string.format("Framing error: length %d", flen)
			break
		end
		if rem < 4 + flen then
			if pinfo.can_desegment > 0 then
				pinfo.desegment_offset = off
				pinfo.desegment_len = 4 + flen - rem
				break
			end
			local it = tree:add(rbs, tvb(off, rem)):append_text(", incomplete frame")
			it:add(f.length, tvb(off, 4))
			if rem > 4 then it:add(f.type, tvb(off + 4, 1)) end
			it:add_proto_expert_info(ef.incomplete, string.format(
				"incomplete frame: %d of %d bytes (reassembly off?)", rem, 4 + flen))
			parts[#parts + 1] = "Incomplete frame"
			break
		end
		parts[#parts + 1] = dissect_frame(tvb(off, 4 + flen):tvb(), pinfo, tree, me, peer)
		off = off + 4 + flen
	end
	set_info(pinfo, parts)
	return total
end

------------------------------------------------------------------------
-- heuristic: a Hello at the start of a TCP payload

local function heuristic(tvb, pinfo, tree)
	if not rbs.prefs.heuristic then return false end
	local n = tvb:len()
	if n < 7 then return false end
	local flen = tvb(0, 4):uint()
	if tvb(4, 1):uint() ~= 1 or flen < 3 or flen > FRAME_MAX then return false end
	-- protobuf-c writes fields in number order: version (field 1) first
	local v = tvb(6, 1):uint()
	if tvb(5, 1):uint() ~= 0x08 or (v ~= 1 and v ~= 2) then return false end
	if n >= 4 + flen then
		local bytes = tvb:raw(0, 4 + flen)
		if not pb_strict(bytes, 5, flen - 1, "Hello") then return false end
	end
	pinfo.conversation = rbs
	rbs.dissector(tvb, pinfo, tree)
	return true
end

register_ports()
tcp_port_table:add_for_decode_as(rbs)
rbs:register_heuristic("tcp", heuristic)
