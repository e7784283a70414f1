using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Mime;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Get-SmtpStageTiming")]
public sealed class GetSmtpStageTimingVerb : CliVerb
{
    /// <summary>Where the password for --credential comes from when no terminal is attached.</summary>
    public const string PasswordEnvironmentVariable = "MAILFLOW_PASSWORD";

    [CliParameter(Position = 0, Mandatory = true, HelpText = "SMTP servers: host names or IP addresses, timed in turn. Read from standard input (one per line) when omitted and input is piped.")]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "TCP port (default 25).")]
    public int Port { get; set; } = SmtpStageTimingOptions.DefaultPort;

    [CliParameter(HelpText = "Reverse-path (default the null sender <>).")]
    public string? From { get; set; }

    [CliParameter(HelpText = "Recipients (default postmaster at the host's domain; 'postmaster' for an IP address).")]
    public string[] To { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "Bytes of message data after 354, headers included (default 1024).")]
    public int MessageSize { get; set; }

    [CliParameter(HelpText = "Pad the envelope (MAIL, RCPT..., DATA) to exactly this many bytes.")]
    public int EnvelopeSize { get; set; }

    [CliParameter(HelpText = "Auto (one write when PIPELINING is advertised), Off (one command at a time), Force.")]
    public SmtpPipeliningMode Pipelining { get; set; } = SmtpPipeliningMode.Auto;

    [CliParameter(HelpText = "Auto (when offered), Require, Off.")]
    public SmtpStartTlsMode StartTls { get; set; } = SmtpStartTlsMode.Auto;

    [CliParameter(HelpText = "Send the final '.' and its CRLF in separate writes (needs --deliver).")]
    public bool SplitEndOfData { get; set; }

    [CliParameter(HelpText = "TCP maximum segment size set before connect (Linux, macOS).")]
    public int SegmentSize { get; set; }

    [CliParameter(HelpText = "Last stage to run: Connect, Banner, Ehlo, StartTls, Mail, Rcpt, Data, Body (default).")]
    public SmtpStopAfter StopAfter { get; set; } = SmtpStopAfter.Body;

    [CliParameter(HelpText = "Complete the message (send the final '.'). Without it nothing is delivered.")]
    public bool Deliver { get; set; }

    [CliParameter(HelpText = "Timeout for every stage in seconds (default 30); 0 selects the RFC 5321 timeouts.")]
    public double TimeoutSeconds { get; set; } = SmtpStageTimingOptions.DefaultTimeoutSeconds;

    [CliParameter(HelpText = "User name for AUTH after STARTTLS; the password comes from MAILFLOW_PASSWORD or is prompted.")]
    public string? Credential { get; set; }

    [CliParameter(HelpText = "Send the credential even without TLS or when the certificate does not validate (test servers only).")]
    public bool AllowInsecureAuth { get; set; }

    public override string? ResumeProperty => nameof(SmtpStageResult.ComputerName);

    public override bool JudgesCertificates => true;

    public override async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        SmtpCredential? credential = null;
        if (!string.IsNullOrEmpty(Credential))
        {
            credential = new SmtpCredential(Credential!, ReadPassword(context));
            context.Secrets = credential.Redactor;
        }

        var names = ComputerName.Length > 0
            ? TargetSources.From(ComputerName)
            : context.StandardInputRedirected
                ? context.InputLines(string.Empty)
                : throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "Give the SMTP server, e.g. 'mailflow Get-SmtpStageTiming mx1.example.net', or pipe names on standard input, one per line.");
        var plan = new TargetPlan<string>((name, emit, ct) => SmtpStageTimingEngine.RunAsync(
            SmtpStageTimingOptions.FromParameters(
                name, Port, From, To, MessageSize, EnvelopeSize, Pipelining, StartTls, SplitEndOfData, SegmentSize, StopAfter, Deliver, TimeoutSeconds, credential, AllowInsecureAuth, MailKitSasl.Factory),
            context.Reporter,
            emit,
            ct))
        {
            KeyOf = name => name.Trim().Length > 0 ? name : null,
        };

        await TargetPipeline.RunAsync(context, names, plan, cancellationToken);
    }

    private string ReadPassword(CliContext context)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(PasswordEnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment!;
        }

        if (Console.IsInputRedirected || context.StandardInputRedirected)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.CredentialRequired, $"--credential needs a password: set {PasswordEnvironmentVariable} or run from a terminal to be prompted.");
        }

        Console.Error.Write($"Password for {Credential}: ");
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }

                continue;
            }

            password.Append(key.KeyChar);
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
