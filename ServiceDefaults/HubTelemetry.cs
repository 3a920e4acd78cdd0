using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>The one activity source and meter that HubPlatform's own code reports through.</summary>
public static class HubTelemetry
{
    public const string ActivitySourceName = "HubPlatform";
    public const string MeterName = "HubPlatform";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    public static readonly Meter Meter = new(MeterName);
}
