using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

internal sealed partial class SmtpSession
{
    private const int MaxSaslRounds = 8;

    private async Task<bool> AuthAsync(CancellationToken ct)
    {
        var rec = Begin(SmtpStage.Auth);
        var credential = _options.Credential!;
        if (Withholding() is { } withheld)
        {
            // Decided before a single byte of the credential is written.
            rec.Outcome = SmtpStageOutcome.NotAttempted;
            rec.Withheld = withheld;
            rec.Text = SmtpFindings.AuthWithheld(withheld).Message;
            _reporter.Warning(rec.Text);
            Finish(rec);
            await QuitAsync(ct);
            return false;
        }

        if (!_connection!.IsTls || _tls is { CertificateValid: false })
        {
            _reporter.Warning(_connection.IsTls
                ? $"-AllowInsecureAuth: sending the credential to a server whose certificate did not validate ({_tls?.CertificateStatus})."
                : "-AllowInsecureAuth: sending the credential over an unencrypted session; anyone on the path can read it.");
        }

        var mechanism = SmtpAuthMechanisms.Choose(_capabilities.AuthMechanisms, _options.Sasl is not null)!;
        _reporter.Verbose($"AUTH {mechanism} (offered: {string.Join(" ", _capabilities.AuthMechanisms)})");
        bool ok;
        if (mechanism == "PLAIN")
        {
            ok = await CommandAsync(rec, "AUTH PLAIN " + credential.PlainToken, Timeouts.Command, 2, ct, "AUTH PLAIN " + SecretRedactor.Mask);
        }
        else if (mechanism == "LOGIN")
        {
            ok = await CommandAsync(rec, "AUTH LOGIN", Timeouts.Command, 3, ct)
                && await CommandAsync(rec, credential.LoginUserToken, Timeouts.Command, 3, ct, SecretRedactor.Mask)
                && await CommandAsync(rec, credential.LoginPasswordToken, Timeouts.Command, 2, ct, SecretRedactor.Mask);
        }
        else
        {
            ok = await SaslAsync(rec, _options.Sasl!(mechanism, credential.UserName, credential.Password, TlsTargetHost()), mechanism, ct);
        }

        if (ok)
        {
            Finish(rec);
            return true;
        }

        if (rec.Reply is not null)
        {
            await FinishThenQuitAsync(rec, ct);
        }
        else
        {
            FinishAndClose(rec);
        }

        return false;
    }

    /// <summary>
    /// A challenge-response mechanism over our own connection: each 334 challenge goes to the mechanism and its
    /// answer back, at most <see cref="MaxSaslRounds"/> rounds, every write masked in the transcript.
    /// </summary>
    private async Task<bool> SaslAsync(StageRecorder rec, ISmtpSaslMechanism? sasl, string mechanism, CancellationToken ct)
    {
        if (sasl is null)
        {
            rec.Outcome = SmtpStageOutcome.ProtocolError;
            rec.Text = $"No implementation of AUTH {mechanism}.";
            return false;
        }

        try
        {
            var initial = sasl.SupportsInitialResponse ? sasl.Respond(null) : null;
            var line = "AUTH " + sasl.Name + (string.IsNullOrEmpty(initial) ? string.Empty : " " + initial);
            var ok = await CommandAsync(rec, line, Timeouts.Command, 2, ct, "AUTH " + sasl.Name + (string.IsNullOrEmpty(initial) ? string.Empty : " " + SecretRedactor.Mask));
            for (var round = 0; !ok && rec.Reply is { Code: 334 } && round < MaxSaslRounds; round++)
            {
                var response = sasl.Respond(rec.Reply.Text.Trim());
                ok = await CommandAsync(rec, response, Timeouts.Command, 2, ct, response.Length == 0 ? string.Empty : SecretRedactor.Mask);
            }

            return ok;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SmtpConnectionException)
        {
            // A challenge the mechanism cannot answer (bad base64, a server signature that does not verify).
            rec.Outcome = SmtpStageOutcome.ProtocolError;
            rec.Text = $"AUTH {sasl.Name}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Why the credential must not be sent in this session; null when AUTH may go ahead.</summary>
    private AuthWithholding? Withholding()
    {
        var reason = AuthWithheldReason.None;
        if (!_connection!.IsTls && !_options.AllowInsecureAuth)
        {
            reason = AuthWithheldReason.NotEncrypted;
        }
        else if (_tls is { CertificateValid: false } && !_options.AllowInsecureAuth)
        {
            reason = AuthWithheldReason.CertificateUntrusted;
        }
        else if (SmtpAuthMechanisms.Choose(_capabilities.AuthMechanisms, _options.Sasl is not null) is null)
        {
            reason = AuthWithheldReason.NoUsableMechanism;
        }

        return reason == AuthWithheldReason.None ? null : new AuthWithholding
        {
            Reason = reason,
            Host = _options.ComputerName,
            StartTls = _options.StartTls,
            StartTlsOffered = _plainCapabilities.StartTls,
            Encrypted = _connection.IsTls,
            Tls = _tls,
            Offered = _capabilities.AuthMechanisms,
            OfferedBeforeTls = _plainCapabilities.AuthMechanisms,
            Supported = SmtpAuthMechanisms.Supported(_options.Sasl is not null),
        };
    }
}
