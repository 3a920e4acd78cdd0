using HubPlatform.HubEmulator.Hub;
using HubPlatform.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace HubPlatform.Tests.Emulator;

/// <summary>The Hub emulator in-process serving a small generated hub (no replay snapshot).</summary>
public sealed class SyntheticEmulatorFactory : WebApplicationFactory<RepoStore>
{
    public const int Models = 2_000;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("Emulator:ReplayDirectory", "")
            .UseSetting("Emulator:SyntheticModels", Models.ToString())
            .UseSetting("Emulator:Seed", "7")
            .UseSetting(AdminKey.Setting, TestAdminKey.Value);

    /// <summary>Clients send the admin key: /admin needs it.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.WithAdminKey();
    }
}
