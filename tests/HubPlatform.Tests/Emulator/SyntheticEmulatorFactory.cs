using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.Emulator;

/// <summary>The Hub emulator in-process serving a small generated hub (no replay snapshot).</summary>
public sealed class SyntheticEmulatorFactory : WebApplicationFactory<RepoStore>
{
    public const int Models = 2_000;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("Emulator:ReplayDirectory", "")
            .UseSetting("Emulator:SyntheticModels", Models.ToString())
            .UseSetting("Emulator:Seed", "7");
}
