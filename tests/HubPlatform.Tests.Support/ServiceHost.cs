using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HubPlatform.Tests.Support;

/// <summary>
/// One HubPlatform service, in-process, wired to the real test servers: its own database login,
/// the test class's RabbitMQ virtual host and Redis.
/// </summary>
public sealed class ServiceHost<TEntryPoint>(
    string service,
    PlatformDatabase database,
    string virtualHost,
    IDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null,
    string? messaging = null)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:hubdb", database.For(service));
        builder.UseSetting("ConnectionStrings:messaging", messaging ?? TestServers.MessagingFor(virtualHost));
        builder.UseSetting("ConnectionStrings:cache", $"{TestServers.Redis},defaultDatabase={Math.Abs(virtualHost.GetHashCode()) % 16}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }
}
