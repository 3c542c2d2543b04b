#include "serve/web_assets.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sse_audio {

namespace {

constexpr uintmax_t kMaxAssetBytes = uintmax_t{4} * 1024 * 1024;

} // namespace

std::string content_type_for(const std::string &file_name)
{
	const auto ext = std::filesystem::path(file_name).extension().string();
	if (ext == ".html")
		return "text/html; charset=utf-8";
	if (ext == ".js" || ext == ".mjs")
		return "text/javascript; charset=utf-8";
	if (ext == ".css")
		return "text/css; charset=utf-8";
	if (ext == ".json")
		return "application/json";
	if (ext == ".svg")
		return "image/svg+xml";
	if (ext == ".png")
		return "image/png";
	if (ext == ".ico")
		return "image/x-icon";
	if (ext == ".webmanifest")
		return "application/manifest+json";
	return "application/octet-stream";
}

Result<WebAssets> WebAssets::load(const std::string &folder)
{
	namespace fs = std::filesystem;
	std::error_code ec;
	if (!fs::is_directory(folder, ec))
		return Error{"The player's files were not found in " + folder, "Failure.PlayerFiles", {folder}};
	WebAssets assets;
	for (const auto &entry : fs::directory_iterator(folder, ec)) {
		// symlink_status: a link is not a regular file, so nothing outside the folder can be reached through one.
		if (!fs::is_regular_file(entry.symlink_status()) || entry.file_size(ec) > kMaxAssetBytes)
			continue;
		std::ifstream in(entry.path(), std::ios::binary);
		std::ostringstream body;
		body << in.rdbuf();
		const auto name = entry.path().filename().string();
		assets.assets_[name] = WebAsset{content_type_for(name), body.str()};
	}
	if (ec)
		return Error{"The player's files could not be read from " + folder + ": " + ec.message(),
			     "Failure.PlayerFiles",
			     {folder}};
	if (!assets.find("/"))
		return Error{"The player page index.html is missing from " + folder, "Failure.PlayerFiles", {folder}};
	return assets;
}

const WebAsset *WebAssets::find(const std::string &request_path) const
{
	if (request_path.empty() || request_path[0] != '/')
		return nullptr;
	const std::string name = request_path == "/" ? "index.html" : request_path.substr(1);
	const auto it = assets_.find(name);
	return it == assets_.end() ? nullptr : &it->second;
}

} // namespace sse_audio
