using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Cli.Binding;

/// <summary>
/// One CLI verb. Its [CliParameter] properties mirror the cmdlet's parameters one for one (the surface tests
/// check this), and <see cref="RunAsync"/> calls the same engine the cmdlet calls.
/// </summary>
public abstract class CliVerb
{
    public abstract Task RunAsync(CliContext context, CancellationToken cancellationToken);
}
