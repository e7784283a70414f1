using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

internal sealed partial class SmtpSession
{
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

        bool ok;
        if (SmtpAuthMechanisms.Choose(_capabilities.AuthMechanisms) == "PLAIN")
        {
            ok = await CommandAsync(rec, "AUTH PLAIN " + credential.PlainToken, Timeouts.Command, 2, ct, "AUTH PLAIN " + SecretRedactor.Mask);
        }
        else
        {
            ok = await CommandAsync(rec, "AUTH LOGIN", Timeouts.Command, 3, ct)
                && await CommandAsync(rec, credential.LoginUserToken, Timeouts.Command, 3, ct, SecretRedactor.Mask)
                && await CommandAsync(rec, credential.LoginPasswordToken, Timeouts.Command, 2, ct, SecretRedactor.Mask);
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
        else if (SmtpAuthMechanisms.Choose(_capabilities.AuthMechanisms) is null)
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
        };
    }
}
