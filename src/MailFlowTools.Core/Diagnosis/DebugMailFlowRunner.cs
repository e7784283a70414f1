using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// Debug-MailFlow end to end for the cmdlet and the CLI verb: each input becomes a domain and a status, is
/// diagnosed (one domain after another; each diagnosis runs its own steps in parallel), gets its HTML report when
/// asked, and is emitted. Inputs that name no usable domain go to <c>emitError</c> and the rest go on.
/// A caller that feeds inputs one at a time passes <c>severalDomains</c> so report files are named per domain.
/// </summary>
public static class DebugMailFlowRunner
{
    public static async Task RunAsync(
        IReadOnlyList<DiagnosisInput> inputs,
        MailFlowDiagnosisOptions options,
        string? reportPath,
        Action<MailFlowDiagnosis> emit,
        Action<MailFlowException> emitError,
        IEngineReporter? reporter,
        CancellationToken cancellationToken,
        IDiagnosisProbes? probes = null,
        bool? severalDomains = null)
    {
        options.Validate();
        reporter ??= NullEngineReporter.Instance;
        var seeds = new List<DiagnosisSeed>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in inputs)
        {
            try
            {
                var seed = input.ToSeed();
                if (seen.Add(seed.DomainName + "\n" + (seed.Status?.InputText ?? string.Empty)))
                {
                    seeds.Add(seed);
                }
            }
            catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
            {
                emitError(ex);
            }
        }

        var engine = new MailFlowDiagnosisEngine(probes ?? new LiveDiagnosisProbes(reporter), reporter);
        foreach (var seed in seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MailFlowDiagnosis diagnosis;
            try
            {
                diagnosis = await engine.DiagnoseAsync(seed, options, cancellationToken);
            }
            catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
            {
                emitError(ex);
                continue;
            }

            if (reportPath is not null)
            {
                var path = HtmlReportWriter.PathFor(reportPath, seed.DomainName, severalDomains ?? seeds.Count > 1);
                try
                {
                    HtmlReportWriter.WriteFile(diagnosis, path);
                    diagnosis = diagnosis.WithReportPath(path);
                    reporter.Verbose("Report written to " + path);
                }
                catch (MailFlowException ex)
                {
                    emitError(ex);
                }
            }

            emit(diagnosis);
        }
    }
}
