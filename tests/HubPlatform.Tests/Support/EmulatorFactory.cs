using HubPlatform.HubEmulator.Hub;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace HubPlatform.Tests.Support;

/// <summary>The Hub emulator in-process, replaying the real sample (metadata in the repository, cards from ../shared/data when there).</summary>
public sealed class EmulatorFactory : WebApplicationFactory<RepoStore>
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseReplayedSample()
            .UseSetting(AdminKey.Setting, TestAdminKey.Value);

    /// <summary>Clients send the admin key: /admin needs it.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.WithAdminKey();
    }
}
