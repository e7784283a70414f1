using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Cli.Binding;

/// <summary>
/// One CLI verb. Its [CliParameter] properties mirror the cmdlet's parameters one for one (the surface tests
/// check this), and <see cref="RunAsync"/> calls the same engine the cmdlet calls.
/// </summary>
// The binder and the help read the [CliParameter] properties of whatever verb GetType() returns; this keeps them
// in the native build, for every derived verb.
[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
public abstract class CliVerb
{
    public abstract Task RunAsync(CliContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The result property that names a target, which --resume reads from an earlier JSON Lines file
    /// (DomainName, Name, ComputerName); null when the verb's inputs are not names, so --resume does not apply.
    /// </summary>
    public virtual string? ResumeProperty => null;

    /// <summary>True for verbs that judge certificate chains (STARTTLS, MTA-STS): the process then indexes the system trust instead of letting .NET load it whole.</summary>
    public virtual bool JudgesCertificates => false;
}
