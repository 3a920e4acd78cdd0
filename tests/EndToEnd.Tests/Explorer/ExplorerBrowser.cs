using Microsoft.Playwright;

namespace HubPlatform.Tests.EndToEnd.Explorer;

/// <summary>
/// Headless Debian chromium driven by Playwright (no browser download: `./hub test` apt-installs
/// chromium when missing). One browser for a test class; each test opens its own page.
/// </summary>
public sealed class ExplorerBrowser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (./hub test does it)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Chromium refuses its sandbox as root (CI containers); a normal user keeps it.
            Args = Environment.IsPrivilegedProcess ? ["--no-sandbox"] : [],
        });
    }

    /// <summary>A page on the gateway that records console errors (a CSP violation shows up there).</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(Uri gateway, int width = 1366, int height = 900)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = gateway.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        page.SetDefaultTimeout(60_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return (page, errors);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
