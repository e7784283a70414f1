using System.Collections.Generic;

namespace MailFlowTools.Core.Findings;

/// <summary>Every result object exposes its findings so hosts can decide exit codes and summaries uniformly.</summary>
public interface IHasFindings
{
    IReadOnlyList<Finding> Findings { get; }
}
