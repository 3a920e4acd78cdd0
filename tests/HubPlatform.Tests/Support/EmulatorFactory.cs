using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HubPlatform.Tests.Support;

/// <summary>The Hub emulator in-process, replaying the real sample from ../shared/data/hub-sample.</summary>
public sealed class EmulatorFactory : WebApplicationFactory<RepoStore>
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("Emulator:ReplayDirectory", SharedData.HubSample);
}
