using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.Robustness;

/// <summary>One hostile SMTP server behaviour, and the stage and typed outcome it must end in.</summary>
internal sealed record HostileSmtpCase(string Name, Func<FakeSmtpSession, CancellationToken, Task> Peer, SmtpStage Stage, SmtpStageOutcome Outcome);
