using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.Support;

/// <summary>The Hub emulator in-process, replaying the real sample (metadata in the repository, cards from ../shared/data when there).</summary>
public sealed class EmulatorFactory : WebApplicationFactory<RepoStore>
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseReplayedSample();
}
