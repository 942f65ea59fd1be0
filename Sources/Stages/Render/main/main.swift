import BuildProvenance
import Render
import PipelineCore

StageMain.run(RenderStage.self, codeTable: codeTable)
