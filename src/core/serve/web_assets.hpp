#pragma once

#include "base/result.hpp"

#include <map>
#include <string>

namespace sse_audio {

struct WebAsset {
	std::string content_type;
	std::string body;
};

// The player's files, read once when the server starts. Only regular files directly inside the folder are
// taken, and requests are answered from this table by exact name: nothing a listener sends becomes a path.
class WebAssets {
public:
	static Result<WebAssets> load(const std::string &folder);

	// The asset for a request path ("/" means index.html); nullptr when there is no such file.
	[[nodiscard]] const WebAsset *find(const std::string &request_path) const;
	[[nodiscard]] size_t size() const { return assets_.size(); }

private:
	std::map<std::string, WebAsset, std::less<>> assets_;
};

// The Content-Type for a file name, by its extension.
std::string content_type_for(const std::string &file_name);

} // namespace sse_audio
