using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Tests.Infrastructure;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.Cli;

/// <summary>Starts every row of <see cref="CredentialSecrecyCliTests"/> at once, a few CLI processes at a time.</summary>
public sealed class CredentialCliRunFixture : IDisposable
{
    private readonly Dictionary<string, Task<(ProcessResult, AuthSmtpBehaviour?)>> _runs;

    public CredentialCliRunFixture()
    {
        var gate = new SemaphoreSlim(4);
        _runs = CredentialSecrecyCliTests.Rows.Keys.ToDictionary(name => name, name => Task.Run(async () =>
        {
            await gate.WaitAsync();
            try
            {
                return await CredentialSecrecyCliTests.RunRowAsync(name);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    internal Task<(ProcessResult Result, AuthSmtpBehaviour? Behaviour)> ResultOf(string name) => _runs[name];

    public void Dispose() => Task.WaitAll(_runs.Values.ToArray<Task>(), TimeSpan.FromSeconds(60));
}
