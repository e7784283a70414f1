using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// Input validation of every command, through the real mailflow CLI: each bad input gets one clear line on stderr
/// with a stable error ID, naming the parameter and what it accepts; a bad call exits 2 with no results, and one
/// bad item among good ones is that item's error while the others still run. docs/input-validation.md is the
/// same table for people; the last tests keep it, and about_MailFlowTools, in step with <see cref="ErrorIds"/>.
/// </summary>
public sealed class InputValidationTests : IClassFixture<ValidationRunFixture>
{
    private const string Dns = "{dns}";
    private static readonly string Label64 = new string('a', 64) + ".test";
    private static readonly string Name254 = string.Join(".", Enumerable.Repeat("abcdefghi", 25)) + ".abcdefghijk";

    // Test-MxPath, Debug-MailFlow: mail domains. Test-EdnsReachability: any DNS name (single labels allowed: TLDs).
    public static readonly ValidationRow[] Rows =
    {
        // ---- Test-MxPath
        new("TestMxPath_empty_domain", new[] { "Test-MxPath", "" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "empty" }),
        new("TestMxPath_empty_label", new[] { "Test-MxPath", "a..example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "empty label" }),
        new("TestMxPath_label_over_63", new[] { "Test-MxPath", Label64 }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "64 characters", "1 to 63" }),
        new("TestMxPath_name_over_253", new[] { "Test-MxPath", Name254 }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "at most 253" }),
        new("TestMxPath_bad_character", new[] { "Test-MxPath", "bad%name.example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "'%'", "letters, digits, hyphen" }),
        new("TestMxPath_leading_hyphen", new[] { "Test-MxPath", "--domain-name=-bad.example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "hyphen" }),
        new("TestMxPath_trailing_hyphen", new[] { "Test-MxPath", "bad-.example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "hyphen" }),
        new("TestMxPath_ipv4_literal", new[] { "Test-MxPath", "192.0.2.25" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "IP address" }),
        new("TestMxPath_ipv6_literal", new[] { "Test-MxPath", "[2001:db8::25]" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "IP address" }),
        new("TestMxPath_single_label", new[] { "Test-MxPath", "mailhost" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "single-label" }),
        new("TestMxPath_invalid_punycode", new[] { "Test-MxPath", "xn--zz.example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "punycode" }),
        new("TestMxPath_invalid_idn", new[] { "Test-MxPath", "bü!cher.example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "'!'" }),
        new("TestMxPath_idn_shown_as_a_label", new[] { "Test-MxPath", "bücher.example", "--dns-server", Dns, "--json" }, 1, null, Array.Empty<string>(), Results: 1, JsonValue: "xn--bcher-kva.example"),
        new("TestMxPath_one_bad_domain_among_good", new[] { "Test-MxPath", "good.example,a..b,other.example", "--dns-server", Dns, "--json" }, 2, ErrorIds.InvalidDomainName, new[] { "'a..b'", "-DomainName" }, Results: 2),
        new("TestMxPath_port_zero", new[] { "Test-MxPath", "x.example", "--port", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("TestMxPath_port_negative", new[] { "Test-MxPath", "x.example", "--port", "-25" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("TestMxPath_port_too_large", new[] { "Test-MxPath", "x.example", "--port", "65536" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("TestMxPath_port_beyond_int", new[] { "Test-MxPath", "x.example", "--port", "99999999999" }, 2, ErrorIds.ValueOutOfRange, new[] { "--port", "32-bit integer" }),
        new("TestMxPath_connect_timeout_negative", new[] { "Test-MxPath", "x.example", "--connect-timeout-seconds", "-1" }, 2, ErrorIds.ValueOutOfRange, new[] { "-ConnectTimeoutSeconds", "more than 0 and at most 600" }),
        new("TestMxPath_connect_timeout_zero", new[] { "Test-MxPath", "x.example", "--connect-timeout-seconds", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-ConnectTimeoutSeconds", "more than 0 and at most 600" }),
        new("TestMxPath_connect_timeout_nan", new[] { "Test-MxPath", "x.example", "--connect-timeout-seconds", "NaN" }, 2, ErrorIds.ValueOutOfRange, new[] { "-ConnectTimeoutSeconds", "more than 0 and at most 600" }),
        new("TestMxPath_connect_timeout_infinity", new[] { "Test-MxPath", "x.example", "--connect-timeout-seconds", "Infinity" }, 2, ErrorIds.ValueOutOfRange, new[] { "-ConnectTimeoutSeconds", "more than 0 and at most 600" }),
        new("TestMxPath_banner_timeout_zero", new[] { "Test-MxPath", "x.example", "--banner-timeout-seconds", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-BannerTimeoutSeconds", "more than 0 and at most 600" }),
        new("TestMxPath_banner_timeout_huge", new[] { "Test-MxPath", "x.example", "--banner-timeout-seconds", "1e308" }, 2, ErrorIds.ValueOutOfRange, new[] { "-BannerTimeoutSeconds", "more than 0 and at most 600" }),
        new("TestMxPath_banner_timeout_nan", new[] { "Test-MxPath", "x.example", "--banner-timeout-seconds", "NaN" }, 2, ErrorIds.ValueOutOfRange, new[] { "-BannerTimeoutSeconds" }),
        new("TestMxPath_throttle_zero", new[] { "Test-MxPath", "x.example", "--throttle-limit", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-ThrottleLimit", "1 to 256" }),
        new("TestMxPath_throttle_huge", new[] { "Test-MxPath", "x.example", "--throttle-limit", "100000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-ThrottleLimit", "1 to 256" }),
        new("TestMxPath_unknown_dns_server", new[] { "Test-MxPath", "x.example", "--dns-server", "no-such-resolver.invalid" }, 2, ErrorIds.UnknownHost, new[] { "'no-such-resolver.invalid'", "-DnsServer", "asked the system resolver" }),
        new("TestMxPath_dns_server_port_zero", new[] { "Test-MxPath", "x.example", "--dns-server", "127.0.0.1:0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-DnsServer", "1 to 65535" }),
        new("TestMxPath_dns_server_not_an_address", new[] { "Test-MxPath", "x.example", "--dns-server", "999.1.1.1" }, 2, ErrorIds.InvalidHostName, new[] { "-DnsServer", "IP address" }),
        new("TestMxPath_bad_recipient", new[] { "Test-MxPath", "x.example", "--recipient", "a b@x.example" }, 2, ErrorIds.InvalidAddress, new[] { "-Recipient", "local-part@domain" }),

        // ---- Test-EdnsReachability
        new("TestEdns_empty_name", new[] { "Test-EdnsReachability", "", "--server", Dns }, 2, ErrorIds.InvalidDomainName, new[] { "-Name", "empty" }),
        new("TestEdns_empty_label", new[] { "Test-EdnsReachability", "a..example", "--server", Dns }, 2, ErrorIds.InvalidDomainName, new[] { "-Name", "empty label" }),
        new("TestEdns_label_over_63", new[] { "Test-EdnsReachability", Label64, "--server", Dns }, 2, ErrorIds.InvalidDomainName, new[] { "-Name", "1 to 63" }),
        new("TestEdns_ip_literal", new[] { "Test-EdnsReachability", "192.0.2.53", "--server", Dns }, 2, ErrorIds.InvalidDomainName, new[] { "-Name", "IP address" }),
        new("TestEdns_invalid_punycode", new[] { "Test-EdnsReachability", "xn--zz.example", "--server", Dns }, 2, ErrorIds.InvalidDomainName, new[] { "-Name", "punycode" }),
        new("TestEdns_idn_shown_as_a_label", new[] { "Test-EdnsReachability", "bücher.example", "--server", Dns, "--no-tcp", "--buffer-size", "1232", "--timeout-seconds", "3", "--json" }, 0, null, Array.Empty<string>(), Results: 1, JsonValue: "xn--bcher-kva.example"),
        new("TestEdns_timeout_zero", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--timeout-seconds", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "0.1 and 60" }),
        new("TestEdns_timeout_negative", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--timeout-seconds", "-3" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "0.1 and 60" }),
        new("TestEdns_timeout_nan", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--timeout-seconds", "NaN" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "0.1 and 60" }),
        new("TestEdns_timeout_infinity", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--timeout-seconds", "Infinity" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "0.1 and 60" }),
        new("TestEdns_timeout_huge", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--timeout-seconds", "1e9" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "0.1 and 60" }),
        new("TestEdns_buffer_negative", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--buffer-size", "-1" }, 2, ErrorIds.ValueOutOfRange, new[] { "-BufferSize", "512 to 65535" }),
        new("TestEdns_buffer_below_512", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--buffer-size", "100" }, 2, ErrorIds.ValueOutOfRange, new[] { "-BufferSize", "512 to 65535" }),
        new("TestEdns_buffer_huge", new[] { "Test-EdnsReachability", "x.example", "--server", Dns, "--buffer-size", "70000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-BufferSize", "512 to 65535" }),
        new("TestEdns_one_unknown_server_among_good", new[] { "Test-EdnsReachability", "x.example", "--server", "no-such-ns.invalid," + Dns, "--no-tcp", "--buffer-size", "1232", "--timeout-seconds", "3", "--json" }, 2, ErrorIds.UnknownHost, new[] { "'no-such-ns.invalid'", "-Server", "asked the system resolver" }, Results: 1),
        new("TestEdns_server_port_too_large", new[] { "Test-EdnsReachability", "x.example", "--server", "127.0.0.1:70000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Server", "1 to 65535" }),
        new("TestEdns_server_bad_name", new[] { "Test-EdnsReachability", "x.example", "--server", "not a host" }, 2, ErrorIds.InvalidHostName, new[] { "-Server", "' '" }),

        // ---- Find-MtuBlackHole
        new("FindMtu_empty_host", new[] { "Find-MtuBlackHole", "" }, 2, ErrorIds.InvalidHostName, new[] { "-ComputerName", "empty" }),
        new("FindMtu_bad_host", new[] { "Find-MtuBlackHole", "a..example" }, 2, ErrorIds.InvalidHostName, new[] { "-ComputerName", "empty label" }),
        new("FindMtu_unknown_host", new[] { "Find-MtuBlackHole", "no-such-host.invalid" }, 2, ErrorIds.UnknownHost, new[] { "'no-such-host.invalid'", "asked the system resolver" }),
        new("FindMtu_unknown_idn_host", new[] { "Find-MtuBlackHole", "bücher.invalid" }, 2, ErrorIds.UnknownHost, new[] { "'bücher.invalid' (xn--bcher-kva.invalid)", "asked the system resolver" }),
        new("FindMtu_one_unknown_host_among_good", new[] { "Find-MtuBlackHole", "no-such-host.invalid,127.0.0.1", "--method", "Tcp", "--port", "9", "--timeout-seconds", "0.5", "--json" }, 2, ErrorIds.UnknownHost, new[] { "'no-such-host.invalid'" }, Results: 1),
        new("FindMtu_timeout_zero", new[] { "Find-MtuBlackHole", "127.0.0.1", "--timeout-seconds", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "greater than 0 and at most 300" }),
        new("FindMtu_timeout_negative", new[] { "Find-MtuBlackHole", "127.0.0.1", "--timeout-seconds", "-2" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 300" }),
        new("FindMtu_timeout_nan", new[] { "Find-MtuBlackHole", "127.0.0.1", "--timeout-seconds", "NaN" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 300" }),
        new("FindMtu_timeout_infinity", new[] { "Find-MtuBlackHole", "127.0.0.1", "--timeout-seconds", "Infinity" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 300" }),
        new("FindMtu_timeout_huge", new[] { "Find-MtuBlackHole", "127.0.0.1", "--timeout-seconds", "1e9" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 300" }),
        new("FindMtu_min_size_too_small", new[] { "Find-MtuBlackHole", "127.0.0.1", "--min-size", "10" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MinSize", "68 to 65535" }),
        new("FindMtu_min_size_negative", new[] { "Find-MtuBlackHole", "127.0.0.1", "--min-size", "-100" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MinSize", "68 to 65535" }),
        new("FindMtu_max_size_huge", new[] { "Find-MtuBlackHole", "127.0.0.1", "--max-size", "100000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MaxSize", "68 to 65535" }),
        new("FindMtu_max_size_negative", new[] { "Find-MtuBlackHole", "127.0.0.1", "--max-size", "-1" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MaxSize", "68 to 65535" }),
        new("FindMtu_min_above_max", new[] { "Find-MtuBlackHole", "127.0.0.1", "--min-size", "2000", "--max-size", "1000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MinSize", "-MaxSize" }),
        new("FindMtu_payload_zero", new[] { "Find-MtuBlackHole", "127.0.0.1", "--payload-size", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-PayloadSize", "65 to 8192" }),
        new("FindMtu_payload_negative", new[] { "Find-MtuBlackHole", "127.0.0.1", "--payload-size", "-512" }, 2, ErrorIds.ValueOutOfRange, new[] { "-PayloadSize", "65 to 8192" }),
        new("FindMtu_payload_huge", new[] { "Find-MtuBlackHole", "127.0.0.1", "--payload-size", "100000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-PayloadSize", "65 to 8192" }),
        new("FindMtu_port_zero", new[] { "Find-MtuBlackHole", "127.0.0.1", "--port", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("FindMtu_port_too_large", new[] { "Find-MtuBlackHole", "127.0.0.1", "--port", "70000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("FindMtu_unprivileged_auto_names_the_fallback", new[] { "Find-MtuBlackHole", "127.0.0.1", "--max-size", "1500", "--port", "9", "--timeout-seconds", "0.5", "--json" }, 1, null, new[] { "unprivileged fallback", "-Method Tcp" }, Results: 1, Unprivileged: true, FindingCode: FindingCodes.IcmpNotPermitted),
        new("FindMtu_unprivileged_icmp_is_refused", new[] { "Find-MtuBlackHole", "127.0.0.1", "--method", "Icmp", "--max-size", "1500" }, 2, ErrorIds.RawSocketNotPermitted, new[] { "CAP_NET_RAW", "-Method Tcp", "ping_group_range" }, Unprivileged: true),

        // ---- Get-SmtpStageTiming
        new("SmtpTiming_empty_host", new[] { "Get-SmtpStageTiming", "" }, 2, ErrorIds.InvalidHostName, new[] { "-ComputerName", "empty" }),
        new("SmtpTiming_bad_host", new[] { "Get-SmtpStageTiming", "bad host.example" }, 2, ErrorIds.InvalidHostName, new[] { "-ComputerName", "' '" }),
        new("SmtpTiming_address_like_name", new[] { "Get-SmtpStageTiming", "999.0.2.25" }, 2, ErrorIds.InvalidHostName, new[] { "-ComputerName", "IP address" }),
        new("SmtpTiming_unknown_host", new[] { "Get-SmtpStageTiming", "no-such-host.invalid" }, 2, ErrorIds.UnknownHost, new[] { "'no-such-host.invalid'", "asked the system resolver" }),
        new("SmtpTiming_unknown_idn_host", new[] { "Get-SmtpStageTiming", "bücher.invalid" }, 2, ErrorIds.UnknownHost, new[] { "(xn--bcher-kva.invalid)", "asked the system resolver" }),
        new("SmtpTiming_port_zero", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--port", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("SmtpTiming_port_too_large", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--port", "65536" }, 2, ErrorIds.ValueOutOfRange, new[] { "-Port", "1 to 65535" }),
        new("SmtpTiming_timeout_negative", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--timeout-seconds", "-1" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 3600" }),
        new("SmtpTiming_timeout_nan", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--timeout-seconds", "NaN" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 3600" }),
        new("SmtpTiming_timeout_infinity", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--timeout-seconds", "Infinity" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 3600" }),
        new("SmtpTiming_timeout_huge", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--timeout-seconds", "1e9" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "at most 3600" }),
        new("SmtpTiming_message_size_negative", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--message-size", "-1" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MessageSize", "67108864" }),
        new("SmtpTiming_message_size_huge", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--message-size", "2000000000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-MessageSize", "67108864" }),
        new("SmtpTiming_envelope_size_negative", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--envelope-size", "-5" }, 2, ErrorIds.ValueOutOfRange, new[] { "-EnvelopeSize", "1048576" }),
        new("SmtpTiming_envelope_size_huge", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--envelope-size", "2000000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-EnvelopeSize", "1048576" }),
        new("SmtpTiming_segment_size_negative", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--segment-size", "-10" }, 2, ErrorIds.ValueOutOfRange, new[] { "-SegmentSize", "88 to 65495" }),
        new("SmtpTiming_segment_size_too_small", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--segment-size", "10" }, 2, ErrorIds.ValueOutOfRange, new[] { "-SegmentSize", "88 to 65495" }),
        new("SmtpTiming_segment_size_huge", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--segment-size", "70000" }, 2, ErrorIds.ValueOutOfRange, new[] { "-SegmentSize", "88 to 65495" }),
        new("SmtpTiming_bad_recipient", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--to", "a<b@example.com" }, 2, ErrorIds.InvalidAddress, new[] { "'a<b@example.com'", "angle brackets" }),
        new("SmtpTiming_split_without_deliver", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--split-end-of-data" }, 2, ErrorIds.InvalidParameterCombination, new[] { "-SplitEndOfData", "-Deliver" }),
        new("SmtpTiming_credential_without_password", new[] { "Get-SmtpStageTiming", "127.0.0.1", "--credential", "someone" }, 2, ErrorIds.CredentialRequired, new[] { "--credential", "MAILFLOW_PASSWORD" }),

        // ---- Debug-MailFlow
        new("DebugMailFlow_empty_domain", new[] { "Debug-MailFlow", "" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "empty" }),
        new("DebugMailFlow_empty_label", new[] { "Debug-MailFlow", "a..example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "empty label" }),
        new("DebugMailFlow_ip_literal", new[] { "Debug-MailFlow", "192.0.2.25" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "IP address" }),
        new("DebugMailFlow_single_label", new[] { "Debug-MailFlow", "Submission" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "single-label" }),
        new("DebugMailFlow_invalid_punycode", new[] { "Debug-MailFlow", "xn--zz.example" }, 2, ErrorIds.InvalidDomainName, new[] { "-DomainName", "punycode" }),
        new("DebugMailFlow_one_bad_domain_among_good", new[] { "Debug-MailFlow", "good.example,bad%.example", "--quick", "--dns-server", Dns, "--timeout-seconds", "5", "--json" }, 2, ErrorIds.InvalidDomainName, new[] { "'bad%.example'", "-DomainName" }, Results: 1),
        new("DebugMailFlow_timeout_zero", new[] { "Debug-MailFlow", "x.example", "--timeout-seconds", "0" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "1 to 120" }),
        new("DebugMailFlow_timeout_negative", new[] { "Debug-MailFlow", "x.example", "--timeout-seconds", "-10" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "1 to 120" }),
        new("DebugMailFlow_timeout_nan", new[] { "Debug-MailFlow", "x.example", "--timeout-seconds", "NaN" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "1 to 120" }),
        new("DebugMailFlow_timeout_infinity", new[] { "Debug-MailFlow", "x.example", "--timeout-seconds", "Infinity" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "1 to 120" }),
        new("DebugMailFlow_timeout_huge", new[] { "Debug-MailFlow", "x.example", "--timeout-seconds", "1e9" }, 2, ErrorIds.ValueOutOfRange, new[] { "-TimeoutSeconds", "1 to 120" }),
        new("DebugMailFlow_unknown_dns_server", new[] { "Debug-MailFlow", "x.example", "--quick", "--dns-server", "no-such-resolver.invalid" }, 2, ErrorIds.UnknownHost, new[] { "'no-such-resolver.invalid'", "-DnsServer", "asked the system resolver" }),
        new("DebugMailFlow_unreadable_ndr", new[] { "Debug-MailFlow", "--ndr-text", "nothing useful here" }, 2, ErrorIds.NoStatusInInput, new[] { "NDR", "4.4.7" }),
        new("DebugMailFlow_report_path_unwritable", new[] { "Debug-MailFlow", "x.example", "--quick", "--dns-server", Dns, "--timeout-seconds", "5", "--report-path", "/proc/version/report.html", "--json" }, 2, ErrorIds.ReportWriteFailed, new[] { "/proc/version/report.html" }, Results: 1),

        // ---- Resolve-SmtpStatus
        new("ResolveStatus_empty_text", new[] { "Resolve-SmtpStatus", "" }, 2, ErrorIds.NoStatusInInput, new[] { "empty", "4.4.7" }),
        new("ResolveStatus_no_status", new[] { "Resolve-SmtpStatus", "hello there" }, 2, ErrorIds.NoStatusInInput, new[] { "enhanced status code", "4.4.7" }),
        new("ResolveStatus_missing_file", new[] { "Resolve-SmtpStatus", "--path", "/no/such/ndr.txt" }, 2, ErrorIds.NoStatusInInput, new[] { "'/no/such/ndr.txt'", "does not exist" }),
        new("ResolveStatus_one_bad_text_among_good", new[] { "Resolve-SmtpStatus", "4.4.7", "hello", "5.1.1", "--json" }, 2, ErrorIds.NoStatusInInput, new[] { "'hello'", "4.4.7" }, Results: 2),

        // ---- any command
        new("Cli_unknown_command", new[] { "Test-Everything" }, 2, ErrorIds.UnknownCommand, new[] { "Test-Everything", "Test-MxPath" }),
        new("Cli_unknown_parameter", new[] { "Test-MxPath", "x.example", "--no-such-flag" }, 2, ErrorIds.InvalidUsage, new[] { "--no-such-flag", "--help" }),
        new("Cli_not_a_number", new[] { "Test-MxPath", "x.example", "--port", "twenty-five" }, 2, ErrorIds.InvalidUsage, new[] { "'twenty-five'", "--port" }),
        new("Cli_bad_enum", new[] { "Find-MtuBlackHole", "127.0.0.1", "--method", "Carrier-Pigeon" }, 2, ErrorIds.InvalidUsage, new[] { "--method", "Auto, Icmp, Tcp, Sweep" }),
    };

    private readonly ValidationRunFixture _fixture;

    public InputValidationTests(ValidationRunFixture fixture) => _fixture = fixture;

    public static TheoryData<string> RowNames(bool unprivileged)
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows.Where(r => r.Unprivileged == unprivileged))
        {
            data.Add(row.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RowNames), false)]
    public Task Bad_input_gets_one_clear_line_with_a_stable_id(string row) => CheckAsync(row);

    [RootTheory]
    [MemberData(nameof(RowNames), true)]
    public Task Missing_privilege_names_the_fallback_or_what_to_do(string row) => CheckAsync(row);

    [Fact]
    public void Every_error_id_is_in_the_doc_and_the_about_help()
    {
        var ids = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var doc = File.ReadAllText(TestPaths.InRepo("docs", "input-validation.md"));
        var about = File.ReadAllText(TestPaths.InRepo("en-US", "about_MailFlowTools.help.txt"));
        Assert.Contains("ERROR IDS", about, StringComparison.Ordinal);
        foreach (var id in ids)
        {
            Assert.True(doc.Contains("`" + id + "`", StringComparison.Ordinal), $"docs/input-validation.md does not list {id}");
            Assert.True(about.Contains(id, StringComparison.Ordinal), $"about_MailFlowTools.help.txt does not list {id}");
        }
    }

    [Fact]
    public void Every_row_is_in_the_doc_with_its_error_id()
    {
        // The doc's table lists each row name once, on a line that carries the row's error ID.
        var lines = File.ReadAllLines(TestPaths.InRepo("docs", "input-validation.md"));
        foreach (var row in Rows.Where(r => r.ErrorId is not null))
        {
            var line = lines.FirstOrDefault(l => l.Contains("`" + row.Name + "`", StringComparison.Ordinal));
            Assert.True(line is not null, $"docs/input-validation.md has no row {row.Name}");
            Assert.Contains("`" + row.ErrorId + "`", line, StringComparison.Ordinal);
        }

        Assert.Equal(Rows.Length, Rows.Select(r => r.Name).Distinct().Count());
    }

    private async Task CheckAsync(string name)
    {
        var row = Rows.Single(r => r.Name == name);
        var r = await _fixture.ResultOf(name);
        var all = $"exit {r.ExitCode}\nstdout:\n{r.StandardOutput}\nstderr:\n{r.StandardError}";
        Assert.False(r.TimedOut, all);
        Assert.True(row.ExitCode == r.ExitCode, all);
        Assert.DoesNotContain("Unhandled exception", r.StandardError, StringComparison.Ordinal);

        var errorLines = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("mailflow: ", StringComparison.Ordinal)).ToList();
        if (row.ErrorId is null)
        {
            Assert.True(errorLines.Count == 0, all);
        }
        else
        {
            // One line, "mailflow: <ErrorId>: message", naming the parameter and what it accepts.
            var line = Assert.Single(errorLines);
            Assert.StartsWith("mailflow: " + row.ErrorId + ": ", line, StringComparison.Ordinal);
            foreach (var word in row.Mentions)
            {
                Assert.True(line.Contains(word, StringComparison.Ordinal), $"'{word}' missing from: {line}");
            }
        }

        if (row.ErrorId is null)
        {
            foreach (var word in row.Mentions)
            {
                Assert.True(r.StandardError.Contains(word, StringComparison.Ordinal), $"'{word}' missing from stderr: {all}");
            }
        }

        if (row.Results is { } expected)
        {
            // A bad item among good ones: the good ones still ran and came out.
            using var doc = JsonDocument.Parse(r.StandardOutput);
            Assert.True(expected == doc.RootElement.GetArrayLength(), all);
            if (row.JsonValue is not null)
            {
                Assert.Contains("\"" + row.JsonValue + "\"", r.StandardOutput, StringComparison.Ordinal);
            }

            if (row.FindingCode is not null)
            {
                Assert.Contains(doc.RootElement[0].GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Code").GetString() == row.FindingCode);
            }
        }
        else if (row.ExitCode == 2)
        {
            // An invalid call produces no results at all.
            Assert.True(r.StandardOutput.Trim() is "" or "[]", all);
        }
    }
}
