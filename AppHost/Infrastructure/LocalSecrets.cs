using System.Security.Cryptography;
using System.Text.Json;

namespace HubPlatform.AppHost.Infrastructure;

/// <summary>
/// Passwords generated on first run and kept beside the data they protect, so a restarted
/// platform logs in to the database it created. Deleting the data folder starts over.
/// </summary>
public sealed class LocalSecrets
{
    private readonly string _path;
    private readonly Dictionary<string, string> _values;

    public LocalSecrets(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "secrets.json");
        _values = File.Exists(_path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(_path)) ?? new()
            : new();
    }

    public string Get(string name)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            value = Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
            _values[name] = value;
            File.WriteAllText(_path, JsonSerializer.Serialize(_values));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return value;
    }
}
