using System.Net;
using System.Net.Sockets;

namespace HubPlatform.Gateway.RateLimiting;

/// <summary>Which rate budget an address spends: one per IPv4 address, one per IPv6 /64.</summary>
public static class ClientAddress
{
    public static string BucketOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        // A dual-stack socket shows an IPv4 client as ::ffff:a.b.c.d: the same client as a.b.c.d.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        // One IPv6 subscriber gets at least a /64 and may use any of its 2^64 addresses (privacy
        // extensions rotate them on their own): per address, one client would have endless budgets.
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
