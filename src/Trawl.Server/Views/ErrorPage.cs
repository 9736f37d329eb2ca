using Trawl.Server.Rendering;

namespace Trawl.Server.Views;

/// <summary>The HTML error page: the status and the (encoded) message.</summary>
internal static class ErrorPage
{
    public static string Render(string message, int status) => PageLayout.Render(
        $"Error {status}",
        [new Crumb($"error {status}", null)],
        $"<h1>Error {status}</h1><p class=\"error-message\">{Html.Encode(message)}</p><p><a href=\"{Html.Encode(Links.Root())}\">All datasets</a></p>");
}
